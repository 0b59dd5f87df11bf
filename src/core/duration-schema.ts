import { z } from 'zod';
import { parseDuration } from './duration.ts';

/**
 * A duration as text with units ("30s", "1h30m") or as a number of milliseconds, parsed to
 * milliseconds. Every schema with a duration uses this one (or fileDurationSchema), so every file
 * reports a bad duration the same way. Numbers are for code and for plans already parsed: a fault's
 * params are validated again, in ms, when the run injects it.
 */
export const durationSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: durationMessage(value, error), input: value });
      return z.NEVER;
    }
  })
  .meta({ description: 'A duration: "250ms", "30s", "5m", "2h", "1d", "1h30m", or milliseconds' });

/**
 * A duration as a scenario file writes it: with a unit. `duration: 30` used to mean 30 ms where its
 * author meant 30 s; now it is an error that names both readings. Only 0 needs no unit.
 */
export const fileDurationSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) {
      ctx.issues.push({ code: 'custom', message: unitMessage(value), input: value });
      return z.NEVER;
    }
    try {
      return parseDuration(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: durationMessage(value, error), input: value });
      return z.NEVER;
    }
  })
  .meta({ description: 'A duration with a unit: "250ms", "30s", "5m", "2h", "1d", "1h30m" (0 needs none)' });

/**
 * A duration that may be negative ("-5m"), such as a clock offset. Like durationSchema, a number is
 * milliseconds from code; a scenario file needs a unit (the loader checks, via isDurationSchema).
 */
export const signedDurationSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const negative = typeof value === 'string' ? value.trim().startsWith('-') : value < 0;
    const magnitude = typeof value === 'string' ? value.trim().replace(/^-/, '') : Math.abs(value);
    try {
      return (negative ? -1 : 1) * parseDuration(magnitude);
    } catch (error) {
      const message =
        typeof value === 'string' && (error as { code?: string }).code === 'E_DURATION_UNIT'
          ? unitMessage(value)
          : 'expected a duration like "5m" (ahead) or "-5m" (behind)';
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    }
  })
  .meta({ description: 'A signed duration: "5m", "-5m", "-30s" (or milliseconds from code)' });

/** The message for a number written where a duration with a unit goes. */
export function unitMessage(value: number | string): string {
  const text = String(value).trim();
  return `a duration needs a unit: write "${text}s" for seconds or "${text}ms" for milliseconds`;
}

function durationMessage(value: unknown, error: unknown): string {
  return typeof value === 'string' && (error as { code?: string }).code === 'E_DURATION_UNIT'
    ? unitMessage(value)
    : 'expected a duration like "30s", "5m" or "1h30m"';
}

/**
 * Whether a number written in a file where `schema` expects a duration lacks its unit: any number but 0
 * for a signed duration, a positive one otherwise (a negative one gets the plain duration message).
 */
export function needsDurationUnit(schema: unknown, value: unknown): value is number {
  if (typeof value !== 'number' || value === 0 || !Number.isFinite(value) || !isDurationSchema(schema)) return false;
  return value > 0 || isSignedDurationSchema(schema);
}

function isSignedDurationSchema(schema: unknown): boolean {
  let node = schema as { _zod?: { def?: Record<string, unknown> } } | undefined;
  for (let depth = 0; depth < 8 && node?._zod?.def; depth++) {
    const def = node._zod.def;
    if (def.type === 'pipe' && def.in === signedDurationSchema.in) return true;
    node = (def.innerType ?? undefined) as typeof node;
  }
  return false;
}

/** Whether `schema` is one of the duration schemas, through optional/default wrappers and clones. */
export function isDurationSchema(schema: unknown): boolean {
  let node = schema as { _zod?: { def?: Record<string, unknown> } } | undefined;
  for (let depth = 0; depth < 8 && node?._zod?.def; depth++) {
    const def = node._zod.def;
    if (def.type === 'pipe' && (def.in === durationSchema.in || def.in === fileDurationSchema.in || def.in === signedDurationSchema.in))
      return true;
    node = (def.innerType ?? undefined) as typeof node;
  }
  return false;
}
