import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, runOf } from './support.ts';

/** Topic discovery and eavesdropping: `#` for every device's traffic, `$SYS/#` for the broker's client list. */
export const reconWildcard = defineAttack({
  name: 'attack.recon-wildcard',
  category: 'attack',
  summary: 'connect and subscribe to "#" and "$SYS/#": read every reading, command and client id',
  precedent:
    'Shodan-indexed MQTT brokers left open expose hospital and building telemetry to anyone (Avast 2018 "MQTT exposed" study; ' +
    'Trend Micro 2018 "The Fragility of Industrial IoT’s Data Backbone"); issue 17 read a whole ward this way.',
  labels: {},
  techniques: ['T0842', 'T0861', 'T0888', 'T0882'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider has no credentials: CONNACK 5, not authorised' },
    { control: 'acl', how: 'with a device’s credentials, "#" and "$SYS/#" get SUBACK 0x80' },
  ],
  detectedBy: ['unknown-client', 'eavesdrop-subscribe', 'sys-probe', 'refused-access'],
  impacts: ['records-exposed', 'time-to-detection'],
  params: z.strictObject({
    filters: z.array(z.string().min(1)).min(1).default(['#', '$SYS/#']).describe('topic filters to subscribe to'),
  }),
  async execute(context, params) {
    const session = await connectAsAttacker(context);
    for (const filter of params.filters) await session?.subscribe(filter);
    return runOf(context.target.site, [session]);
  },
});
