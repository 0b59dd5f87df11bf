import { z } from 'zod';
import { MQTT_MATCH } from './mqtt-params.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/**
 * A gateway or bridge that re-publishes at QoS 0: the sender believes its QoS 1 message acknowledged,
 * the receiver gets it with no guarantee.
 */
export const mqttDowngrade = toxicFault({
  name: 'network.mqtt-downgrade',
  summary: 'Re-encodes QoS 1/2 PUBLISH packets matching a topic filter as QoS 0 (answering QoS 1 with PUBACK)',
  toxic: 'mqtt',
  extra: { action: 'downgrade' },
  params: z
    .object({
      ...MQTT_MATCH,
      ack: z.boolean().default(true).describe('answer the sender of a QoS 1 PUBLISH with the PUBACK the receiver no longer will'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
