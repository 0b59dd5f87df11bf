import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { MQTT_MATCH } from './mqtt-params.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** Matching PUBLISHes arrive late while the rest of the stream passes them (so also out of order). */
export const mqttDelay = toxicFault({
  name: 'network.mqtt-delay',
  summary: 'Holds PUBLISH packets matching a topic filter for delay while later packets pass',
  toxic: 'mqtt',
  extra: { action: 'delay' },
  params: z.object({ ...MQTT_MATCH, delay: durationSchema.default(1000).describe('how long a PUBLISH is held'), ...TOXIC_COMMON }).strict(),
});
