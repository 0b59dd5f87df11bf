import { describe, expect, it } from 'vitest';
import { formatDuration, formatSimTime, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['1d2h3m4s5ms', 93_784_005],
    [1500, 1500],
    ['0', 0],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it('rejects anything else with what it received', () => {
    expect(() => parseDuration('soon', 'timeline[2].at')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[2].at: expected a duration like "250ms", "30s", "5m", "2h", "1d" or "1h30m", received "soon"]`,
    );
    for (const bad of ['', '5 minutes', '30m1h', '1h1h', '-5s', '5x', 'h', -1]) {
      expect(() => parseDuration(bad)).toThrow(/expected a duration/);
    }
  });

  it('refuses text without a unit, naming both readings', () => {
    expect(() => parseDuration('30', 'duration')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: duration: a duration needs a unit: write "30s" for seconds or "30ms" for milliseconds, received "30"]`,
    );
    expect(() => parseDuration('1.5')).toThrow(/needs a unit/);
  });

  it('carries a code and exit code 2', () => {
    try {
      parseDuration('x');
    } catch (error) {
      expect(error).toMatchObject({ code: 'E_DURATION', exitCode: 2 });
    }
  });
});

describe('formatDuration / formatSimTime', () => {
  it('round-trips', () => {
    for (const text of ['250ms', '30s', '1h30m', '1d2h3m4s5ms']) expect(formatDuration(parseDuration(text))).toBe(text);
    expect(formatDuration(0)).toBe('0s');
  });

  it('shows a clock reading', () => {
    expect(formatSimTime(93_784_000)).toBe('1d 02:03:04');
    expect(formatSimTime(61_000)).toBe('00:01:01');
  });
});
