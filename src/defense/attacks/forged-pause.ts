import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/** A pause published to the pump's command topic: the infusion stops with no clinician involved. */
export const forgedPause = defineAttack({
  name: 'attack.forged-pause',
  category: 'attack',
  summary: 'publish a pause to an infusion pump’s command topic',
  precedent:
    'CISA ICSMA-15-125-01 / ICSMA-15-161-01 (Hospira LifeCare PCA and Symbiq): unauthenticated network commands could change ' +
    'pump state; FDA’s 2015 safety communication told hospitals to take the pumps off the network.',
  labels: { cicIoMT2024: 'Spoofing', mqttset: 'malformed/legitimate-looking publish (no MQTTset class)' },
  techniques: ['T0855', 'T0831', 'T0826'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device identity may not publish to another device’s command topic: dropped and logged' },
    { control: 'signedCommands', how: 'patched firmware refuses an unsigned command, with the reason in its ack' },
  ],
  detectedBy: ['unknown-client', 'unauthorized-command'],
  impacts: ['therapy-interruption-minutes', 'time-to-detection'],
  params: z.strictObject({}),
  async execute(context) {
    const session = await connectAsAttacker(context);
    await session?.publish(targetTopic(context.target, 'cmd'), forgedCommand(context, { type: 'pause' }));
    return runOf(context.target.site, [session]);
  },
});
