import { z } from 'zod';

/** The fields every MQTT-aware fault takes: which PUBLISHes (a topic filter) and how likely each is hit. */
export const MQTT_MATCH = {
  topic: z.string().min(1).default('#').describe('MQTT topic filter a PUBLISH must match (+ and # allowed)'),
  probability: z.number().min(0).max(1).default(1).describe('chance each matching PUBLISH is affected (seeded)'),
};
