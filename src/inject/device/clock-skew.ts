import { z } from 'zod';
import { signedDurationSchema } from '../../core/duration-schema.ts';
import type { FaultDefinition } from '../fault.ts';

const params = z.strictObject({
  offset: signedDurationSchema.prefault('5m').describe('How far the device clock runs ahead ("5m") or behind ("-5m")'),
});

/** A device clock set wrong (no NTP, a dead RTC battery): its message timestamps are off by `offset`. */
export const clockSkew: FaultDefinition<typeof params> = {
  name: 'device.clock-skew',
  category: 'device',
  summary: 'Shifts the timestamps a device puts on its messages',
  params,
  incompatibility: () => undefined,
  apply: (target, { offset }) => target.skewClock(offset),
};
