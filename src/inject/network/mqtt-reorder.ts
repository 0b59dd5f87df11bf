import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { MQTT_MATCH } from './mqtt-params.ts';
import { DEVICE_LINK_TARGETS, TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** Matching PUBLISHes overtaken by the next ones (a multipath or bridged route). */
export const mqttReorder = toxicFault({
  name: 'network.mqtt-reorder',
  summary: 'Holds each matching PUBLISH until gap later packets have overtaken it (at most delay)',
  toxic: 'mqtt',
  targets: DEVICE_LINK_TARGETS,
  extra: { action: 'reorder' },
  params: z
    .object({
      ...MQTT_MATCH,
      gap: z.number().int().min(1).default(1).describe('packets that overtake the held PUBLISH'),
      delay: durationSchema.default(1000).describe('the longest a PUBLISH is held'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
