import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { runOf } from './support.ts';

/** Take over the twin's client id again and again: each time, the twin is disconnected and misses traffic. */
export const twinKick = defineAttack({
  name: 'attack.twin-kick',
  category: 'attack',
  summary: 'reuse the twin’s client id repeatedly, knocking the central station off the broker',
  precedent:
    'Denial of view by session takeover (ATT&CK for ICS T0815); issue 17 kicked the twin five times and it lost 60 of 383 ' +
    'messages while the report said all was delivered.',
  labels: {},
  techniques: ['T0849', 'T0814', 'T0815'],
  stoppedBy: [
    { control: 'authentication', how: 'the twin’s client id needs the twin’s password: every attempt is refused and the twin stays' },
  ],
  detectedBy: ['client-id-takeover', 'refused-access'],
  impacts: ['time-to-detection'],
  params: z.strictObject({
    kicks: z.number().int().min(1).max(50).default(5).describe('how many times to take the twin’s session (bounded)'),
  }),
  async execute(context, params) {
    const sessions = [];
    for (let i = 0; i < params.kicks; i++) {
      const session = await context.adversary.connect(context.twinClientId);
      // Hand the id straight back so the twin's reconnect can be kicked again.
      await session?.close();
      sessions.push(session);
    }
    // Each session is already closed; they are returned as what the adversary opened.
    return runOf(context.target.site, sessions);
  },
});
