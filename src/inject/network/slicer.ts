import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { DEVICE_LINK_TARGETS, TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** A link that delivers the stream in small pieces (a lossy radio, a small MTU): receivers read packets in fragments. */
export const slicer = toxicFault({
  name: 'network.slicer',
  summary: 'Cuts the stream into averageSize ± sizeVariation byte pieces (seeded), delay apart',
  toxic: 'slicer',
  targets: DEVICE_LINK_TARGETS,
  params: z
    .object({
      averageSize: z.number().int().min(1).default(64).describe('mean slice size, bytes'),
      sizeVariation: z.number().int().min(0).default(0).describe('slices are averageSize ± this, bytes'),
      delay: durationSchema.default(0).describe('pause between slices'),
      ...TOXIC_COMMON,
    })
    .strict()
    .refine((p) => p.sizeVariation < p.averageSize, { message: 'sizeVariation must be smaller than averageSize', path: ['sizeVariation'] }),
});
