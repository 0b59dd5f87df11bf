import { z } from 'zod';
import { parseDuration } from './duration.ts';

/**
 * A duration as a file writes it ("30s", "1h30m") or as milliseconds, parsed to milliseconds. Every
 * schema with a duration uses this one, so every file reports a bad duration the same way.
 */
export const durationSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch {
      ctx.issues.push({ code: 'custom', message: `expected a duration like "30s", "5m" or "1h30m"`, input: value });
      return z.NEVER;
    }
  })
  .meta({ description: 'A duration: "250ms", "30s", "5m", "2h", "1d", "1h30m", or milliseconds' });
