import { z } from 'zod';
import { MQTT_MATCH } from './mqtt-params.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** A retransmission the receiver sees twice (DUP set for QoS > 0): what QoS 1's "at least once" allows. */
export const mqttDuplicate = toxicFault({
  name: 'network.mqtt-duplicate',
  summary: 'Sends PUBLISH packets matching a topic filter twice (the copy flagged DUP for QoS > 0)',
  toxic: 'mqtt',
  extra: { action: 'duplicate' },
  params: z.object({ ...MQTT_MATCH, ...TOXIC_COMMON }).strict(),
});
