import { z } from 'zod';
import { MQTT_MATCH } from './mqtt-params.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** PUBLISHes lost on the way, the connection unharmed: what QoS 0 is allowed to suffer. */
export const mqttDrop = toxicFault({
  name: 'network.mqtt-drop',
  summary: 'Drops PUBLISH packets matching a topic filter, each with a probability',
  toxic: 'mqtt',
  extra: { action: 'drop' },
  params: z.object({ ...MQTT_MATCH, ...TOXIC_COMMON }).strict(),
});
