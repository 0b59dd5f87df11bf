import { InputError, describeValue } from './errors.ts';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** A duration in milliseconds (a number, from code), or text with units: "250ms", "30s", "1h30m". */
export type DurationInput = string | number;

/**
 * Parses a human duration into milliseconds. Units run largest first and each appears once
 * ("1h30m", not "30m1h"), so a typo such as "1m30h" is caught rather than silently summed.
 * Text needs a unit ("30" could mean 30 ms or 30 s; only "0" needs none); a number, which only code
 * passes, is milliseconds.
 */
export function parseDuration(input: DurationInput, what = 'duration'): number {
  if (typeof input === 'number') {
    if (Number.isFinite(input) && input >= 0) return Math.round(input);
    throw durationError(input, what);
  }
  const text = String(input).trim();
  if (text === '') throw durationError(input, what);
  if (text === '0') return 0;
  if (/^\d+(?:\.\d+)?$/.test(text)) throw unitlessError(input, what);
  PART.lastIndex = 0;
  let total = 0;
  let lastRank = -1;
  let consumed = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    const unit = match[2] as Unit;
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) throw durationError(input, what);
    lastRank = rank;
    total += Number(match[1]) * UNIT_MS[unit];
    consumed = PART.lastIndex;
  }
  if (consumed !== text.length) throw durationError(input, what);
  return Math.round(total);
}

/** Formats milliseconds compactly: 5_400_000 → "1h30m", 250 → "250ms", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  let out = '';
  for (const unit of UNIT_ORDER) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return sign + out;
}

/** Formats a simulation timestamp as a clock reading: 93_784_000 → "1d 02:03:04". */
export function formatSimTime(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const h = Math.floor((totalSeconds % 86_400) / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const hms = [h, m, s].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${days}d ${hms}` : hms;
}

/** A duration written without a unit: the message names both readings, so the fix is one edit. */
export function unitlessError(received: string | number, what: string): InputError {
  return new InputError(
    'E_DURATION_UNIT',
    `${what}: a duration needs a unit: write "${received}s" for seconds or "${received}ms" for milliseconds, received ${describeValue(received)}`,
  );
}

function durationError(received: unknown, what: string): InputError {
  return new InputError(
    'E_DURATION',
    `${what}: expected a duration like "250ms", "30s", "5m", "2h", "1d" or "1h30m", received ${describeValue(received)}`,
  );
}
