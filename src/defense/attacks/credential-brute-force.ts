import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { runOf } from './support.ts';

/** Vendor defaults and common passwords seen in medical-device advisories; short and bounded on purpose. */
const GUESSES = ['admin', 'password', '1234', 'medtwin', 'changeme', 'default'];

/** Guess an operator console's password from a short default-credential list. */
export const credentialBruteForce = defineAttack({
  name: 'attack.credential-brute-force',
  category: 'attack',
  summary: 'try a short list of default passwords against an operator console’s identity',
  precedent:
    'Hard-coded and default credentials recur in medical-device advisories (CISA ICSMA-17-250-02 Smiths Medical Medfusion 4000; ' +
    'ICSMA-20-023-01 GE CARESCAPE "MDhex"; CWE-798, docs/advisories.md); MQTTset carries an MQTT brute-force class.',
  labels: { mqttset: 'bruteforce' },
  techniques: ['T1110', 'T0812', 'T0859'],
  stoppedBy: [
    { control: 'authentication', how: 'per-run random passwords are never on a default list: every guess is refused' },
    { control: 'lockout', how: 'the identity locks after a few failures, and the lockout is logged' },
  ],
  detectedBy: ['auth-brute-force', 'default-credentials', 'refused-access'],
  impacts: ['time-to-detection', 'time-to-containment'],
  params: z.strictObject({
    identity: z.string().min(1).default('medtwin-console-clinician-icu').describe('user name (and client id) to guess for'),
    attempts: z.number().int().min(1).max(GUESSES.length).default(GUESSES.length).describe('guesses to try (bounded)'),
  }),
  async execute(context, params) {
    const sessions = [];
    for (const password of GUESSES.slice(0, params.attempts)) {
      const session = await context.adversary.connect(params.identity, { username: params.identity, password });
      sessions.push(session);
      if (session !== undefined) break;
    }
    return runOf(context.target.site, sessions);
  },
});
