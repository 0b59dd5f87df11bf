import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { runOf } from './support.ts';

/** Many connections under fresh client ids, one after another: bounded in count, loopback only. */
export const connectFlood = defineAttack({
  name: 'attack.connect-flood',
  category: 'attack',
  summary: 'open a bounded burst of connections under fresh client ids, holding broker sessions',
  precedent:
    'Connect floods are CICIoMT2024’s "MQTT DoS connect flood" class; each session costs the broker memory and a descriptor ' +
    '(docs/broker.md limits), and a flood from a compromised fleet is its DDoS variant.',
  labels: { cicIoMT2024: 'MQTT-DoS-Connect_Flood' },
  techniques: ['T0814', 'T0846'],
  stoppedBy: [{ control: 'authentication', how: 'every CONNECT without credentials gets CONNACK 5 and its socket closed at once' }],
  detectedBy: ['unknown-client', 'connect-flood', 'refused-access'],
  impacts: ['time-to-detection'],
  params: z.strictObject({
    connections: z.number().int().min(1).max(200).default(30).describe('connections to open (bounded)'),
  }),
  async execute(context, params) {
    const sessions = [];
    for (let i = 0; i < params.connections; i++) sessions.push(await context.adversary.connect(`flood-${String(i).padStart(4, '0')}`));
    return runOf(context.target.site, sessions);
  },
});
