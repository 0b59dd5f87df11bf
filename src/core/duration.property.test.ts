import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';
import { InputError } from './errors.ts';

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
] as const;

describe('durations (properties)', () => {
  it('formatDuration then parseDuration gives back any whole number of ms', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('units largest first, each once, sum to their total', () => {
    const parts = fc.tuple(...UNITS.map(() => fc.option(fc.nat({ max: 10_000 }), { nil: undefined })));
    fc.assert(
      fc.property(parts, (counts) => {
        fc.pre(counts.some((c) => c !== undefined));
        const text = counts.map((c, i) => (c === undefined ? '' : `${c}${UNITS[i]![0]}`)).join('');
        const total = counts.reduce<number>((sum, c, i) => sum + (c ?? 0) * UNITS[i]![1], 0);
        expect(parseDuration(text)).toBe(total);
      }),
    );
  });

  it('any other text is refused with an InputError (exit 2), never a crash or a silent number', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.dhms -+xé '.split('')), maxLength: 12 }), (text) => {
        let ms: number | undefined;
        try {
          ms = parseDuration(text);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as InputError).exitCode).toBe(2);
          return;
        }
        // What parses is the canonical form's value: formatting it and parsing again agrees.
        expect(Number.isFinite(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(/^\d+(\.\d+)?$/.test(text.trim()) && text.trim() !== '0').toBe(false);
      }),
    );
  });
});
