import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../core/duration.ts';
import { type SeedSet, seedList, seedRange } from '../runtime/seeds.ts';
import { PROFILE_NAMES, type ProfileName } from '../net/security/controls.ts';

/** commander argument parsers: each throws InvalidArgumentError, which commander reports with exit 2. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`expected a TCP port from 0 to 65535, received "${value}"`);
  return port;
}

export function parseDurationOption(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError(`expected a duration like "30s", "6h" or "1h30m", received "${value}"`);
  }
}

/** A duration that must be longer than zero (a settle window of 0 would never advance the clock). */
export function parsePositiveDurationOption(value: string): number {
  const ms = parseDurationOption(value);
  if (ms < 1) throw new InvalidArgumentError(`expected a duration longer than 0, like "1s" or "5s", received "${value}"`);
  return ms;
}

export function parseSpeed(value: string): number {
  const speed = Number(value.replace(/^x/i, ''));
  if (!Number.isFinite(speed) || speed <= 0)
    throw new InvalidArgumentError(`expected a positive speed factor such as 1, 10 or x100, received "${value}"`);
  return speed;
}

export function parseSeed(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a seed (a number or a word), received nothing');
  return value.trim();
}

/** "1..100" → the seeds 1 to 100 (computed, not listed); "3,5,8" → those three. */
export function parseSeeds(value: string): SeedSet {
  const range = /^(\d+)\.\.(\d+)$/.exec(value.trim());
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to < from) throw new InvalidArgumentError(`expected a seed range like "1..100" (low..high), received "${value}"`);
    if (to - from >= 100_000) throw new InvalidArgumentError(`a seed range covers at most 100000 seeds, received "${value}"`);
    if (!Number.isSafeInteger(to)) throw new InvalidArgumentError(`expected seeds below 2^53 in a range, received "${value}"`);
    return seedRange(from, to);
  }
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new InvalidArgumentError(`expected seeds like "1..100" or "3,5,8", received "${value}"`);
  return seedList(list);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--security <profile>` (run, tui): a named security profile (docs/security.md). */
export function parseProfile(value: string): ProfileName {
  if ((PROFILE_NAMES as string[]).includes(value)) return value as ProfileName;
  throw new InvalidArgumentError(`expected one of ${PROFILE_NAMES.join(', ')}, received "${value}"`);
}
