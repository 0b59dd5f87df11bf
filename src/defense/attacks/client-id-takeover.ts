import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { runOf, targetTopic } from './support.ts';

/** Connect with the target's client id: the broker closes the target's session and the attacker gets its commands. */
export const clientIdTakeover = defineAttack({
  name: 'attack.client-id-takeover',
  category: 'attack',
  summary: 'reuse a device’s client id: kick it off and receive its commands',
  precedent:
    'A second CONNECT with a client id in use closes the first session [MQTT-3.1.4-2], so anyone who learns a device’s id ' +
    '(from $SYS, or by reading its traffic) can take its place; issue 17 received the nurse’s commands meant for a pump.',
  labels: {},
  techniques: ['T0849', 'T0814'],
  stoppedBy: [
    { control: 'authentication', how: 'a client id is bound to its identity’s password: without it, CONNACK 5 and the session stays' },
  ],
  detectedBy: ['client-id-takeover', 'refused-access'],
  impacts: ['therapy-interruption-minutes', 'records-exposed', 'time-to-detection'],
  params: z.strictObject({}),
  async execute(context) {
    const { target } = context;
    const session = await context.adversary.connect(target.clientId);
    await session?.subscribe(targetTopic(target, 'cmd'));
    return runOf(target.site, [session]);
  },
});
