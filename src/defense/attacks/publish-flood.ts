import { z } from 'zod';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, runOf } from './support.ts';

/** A burst of QoS 0 publishes from one client: bounded in count, loopback only. */
export const publishFlood = defineAttack({
  name: 'attack.publish-flood',
  category: 'attack',
  summary: 'publish a bounded burst of messages as fast as the socket takes them',
  precedent:
    'MQTT publish floods are the DoS class of both public MQTT intrusion datasets (CICIoMT2024 "MQTT DoS publish flood", ' +
    'MQTTset "flood"); a broker saturated by one client delays every device’s telemetry and alarms.',
  labels: { cicIoMT2024: 'MQTT-DoS-Publish_Flood', mqttset: 'flood' },
  techniques: ['T0814', 'T0815'],
  stoppedBy: [{ control: 'authentication', how: 'an outsider cannot connect; with stolen credentials only the rate rule sees it' }],
  detectedBy: ['unknown-client', 'publish-flood', 'refused-access'],
  impacts: ['time-to-detection'],
  params: z.strictObject({
    messages: z.number().int().min(1).max(5000).default(500).describe('messages to publish (bounded)'),
    bytes: z.number().int().min(0).max(65_536).default(256).describe('payload size of each'),
  }),
  async execute(context, params) {
    const session = await connectAsAttacker(context);
    if (session !== undefined) {
      const payload = 'x'.repeat(params.bytes);
      const topic = `medtwin/${context.target.site}/flood/${session.clientId}`;
      await session.publishBurst(topic, payload, params.messages);
    }
    return runOf(context.target.site, [session]);
  },
});
