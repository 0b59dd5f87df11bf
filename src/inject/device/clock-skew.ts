import { z } from 'zod';
import { parseDuration } from '../../core/duration.ts';
import type { FaultDefinition } from '../fault.ts';

/** A duration that may be negative: "-5m" runs the device clock behind. */
const signedDuration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const negative = typeof value === 'string' ? value.trim().startsWith('-') : value < 0;
  const magnitude = typeof value === 'string' ? value.trim().replace(/^-/, '') : Math.abs(value);
  try {
    return (negative ? -1 : 1) * parseDuration(magnitude);
  } catch {
    ctx.issues.push({ code: 'custom', message: 'expected a duration like "5m" (ahead) or "-5m" (behind)', input: value });
    return z.NEVER;
  }
});

const params = z.strictObject({
  offset: signedDuration.prefault('5m').describe('How far the device clock runs ahead ("5m") or behind ("-5m"); ms as a number'),
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
