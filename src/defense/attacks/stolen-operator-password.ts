import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/** A clinician's console password, phished or reused: the adversary logs in as the console and doses. */
export const stolenOperatorPassword = defineAttack({
  name: 'attack.stolen-operator-password',
  category: 'attack',
  summary: 'log in with a clinician console’s stolen password and send a dangerous bolus',
  precedent:
    'Valid accounts are the commonest way into hospital networks (HHS 405(d) HICP: phishing and credential theft are the top ' +
    'threats); FDA’s 2023 guidance asks for authentication fitting the risk of the function — a second factor for remote dosing.',
  labels: {},
  techniques: ['T0859', 'T0855', 'T0836'],
  stoppedBy: [
    { control: 'mutualTls', how: 'a password without the console’s client certificate cannot complete the TLS handshake' },
    { control: 'operatorMfa', how: 'a dose-changing command needs the console’s TOTP code, which a password alone does not give' },
    { control: 'signedCommands', how: 'devices accept only commands signed with the console’s key, which the password does not give' },
  ],
  detectedBy: ['dose-limit-override', 'refused-access'],
  impacts: ['dose-excess', 'glucose-below-54-minutes', 'time-to-detection'],
  params: z.strictObject({
    amount: z.number().positive().default(9000).describe("bolus in the drug's amount unit"),
  }),
  async execute(context, params) {
    if (context.target.foothold === undefined) {
      throw new Error('attack.stolen-operator-password needs a foothold: the console identity whose password was stolen');
    }
    const session = await connectAsAttacker(context);
    const body = { type: 'bolus', amount: params.amount, confirmSoftLimit: true };
    await session?.publish(targetTopic(context.target, 'cmd'), forgedCommand(context, body));
    return runOf(context.target.site, [session]);
  },
});
