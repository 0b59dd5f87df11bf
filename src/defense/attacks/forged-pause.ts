import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/** A pause published to the pump's command topic: the infusion stops with no clinician involved. */
export const forgedPause = defineAttack({
  name: 'attack.forged-pause',
  category: 'attack',
  summary: 'publish a pause to an infusion pump’s command topic',
  precedent:
    'Missing authentication for a critical function (CWE-306) in CISA ICSMA-20-023-01 (GE CARESCAPE, docs/advisories.md); ' +
    'FDA’s 2015 safety communication on the Hospira Symbiq infusion system, whose network commands were unauthenticated.',
  labels: {},
  techniques: ['T0855', 'T0831', 'T0826'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device identity may not publish to another device’s command topic: dropped and logged' },
    { control: 'signedCommands', how: 'patched firmware refuses an unsigned command, with the reason in its ack' },
  ],
  detectedBy: ['unknown-client', 'unauthorized-command', 'refused-access'],
  impacts: ['therapy-interruption-minutes', 'time-to-detection'],
  params: z.strictObject({}),
  async execute(context) {
    const session = await connectAsAttacker(context);
    await session?.publish(targetTopic(context.target, 'cmd'), forgedCommand(context, { type: 'pause' }));
    return runOf(context.target.site, [session]);
  },
});
