import { z } from 'zod';
import { parseDuration } from './duration.ts';

/**
 * A duration as a file writes it ("30s", "1h30m"), parsed to milliseconds. Every schema with a
 * duration uses this one, so every file reports a bad duration the same way. A file must give a unit:
 * `duration: 30` used to mean 30 ms where its author meant 30 s. Only 0 needs none.
 */
export const durationSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) {
      ctx.issues.push({
        code: 'custom',
        message: `a duration needs a unit: write "${value}s" for seconds or "${value}ms" for milliseconds`,
        input: value,
      });
      return z.NEVER;
    }
    try {
      return parseDuration(value);
    } catch (error) {
      const unitless = typeof value === 'string' && (error as { code?: string }).code === 'E_DURATION_UNIT';
      ctx.issues.push({
        code: 'custom',
        message: unitless
          ? `a duration needs a unit: write "${String(value).trim()}s" for seconds or "${String(value).trim()}ms" for milliseconds`
          : `expected a duration like "30s", "5m" or "1h30m"`,
        input: value,
      });
      return z.NEVER;
    }
  })
  .meta({ description: 'A duration with a unit: "250ms", "30s", "5m", "2h", "1d", "1h30m" (0 needs none)' });
