import { describe, expect, it } from 'vitest';
import { PlausibilityTracker } from './plausibility.ts';

const MIN = 60_000;

describe('PlausibilityTracker', () => {
  it('accepts a living signal', () => {
    const tracker = new PlausibilityTracker();
    const values = [120, 124, 127, 131, 128, 125, 121, 119];
    for (const [i, glucose] of values.entries()) expect(tracker.observe(i * 5 * MIN, { glucose }).failed).toEqual([]);
  });

  it('flags an impossible jump once, and a value outside physiology until it returns', () => {
    const tracker = new PlausibilityTracker();
    tracker.observe(0, { glucose: 120, hr: 70 });
    const jump = tracker.observe(5 * MIN, { glucose: 190, hr: 71 });
    expect(jump.failed).toMatchObject([{ check: 'rate', signal: 'glucose' }]);
    expect(jump.failed[0]!.detail).toBe('glucose moved 70 in 5 min (from 120 to 190); at most 37 is plausible');
    expect(tracker.observe(10 * MIN, { glucose: 192 }).failed).toEqual([]);
    const high = tracker.observe(10 * MIN + 1000, { hr: 400 });
    expect(high.failed.map((f) => f.check)).toEqual(['range']);
    expect(tracker.observe(10 * MIN + 2000, { hr: 399 }).failed).toEqual([]);
    expect(tracker.observe(20 * MIN, { hr: 72 }).recovered).toMatchObject([{ check: 'range', signal: 'hr' }]);
  });

  it('flags a frozen sensor after the allowed repeats', () => {
    const tracker = new PlausibilityTracker();
    const events = Array.from({ length: 8 }, (_, i) => tracker.observe(i * 5 * MIN, { glucose: 143 }));
    const firstFail = events.findIndex((e) => e.failed.length > 0);
    expect(firstFail).toBe(6);
    expect(events[6]!.failed[0]).toMatchObject({
      check: 'frozen',
      signal: 'glucose',
      detail: 'glucose has read exactly 143 7 times in a row',
    });
    expect(tracker.observe(40 * MIN, { glucose: 147 }).recovered).toMatchObject([{ check: 'frozen' }]);
  });

  it('allows the jitter of a 1 Hz vital sign but not a jump', () => {
    const tracker = new PlausibilityTracker();
    const hr = [72, 78, 70, 75, 69, 74];
    for (const [i, value] of hr.entries()) expect(tracker.observe(i * 1000, { hr: value }).failed).toEqual([]);
    expect(tracker.observe(6000, { hr: 140 }).failed).toMatchObject([{ check: 'rate', signal: 'hr' }]);
  });

  it('does not call a reading held at the sensor limit (LOW) frozen', () => {
    const tracker = new PlausibilityTracker();
    const events = Array.from({ length: 10 }, (_, i) => tracker.observe(i * 5 * MIN, { glucose: 40 }));
    expect(events.flatMap((e) => e.failed)).toEqual([]);
  });

  it('ignores missing and non-numeric readings', () => {
    const tracker = new PlausibilityTracker();
    expect(tracker.observe(0, { glucose: null, hr: 'x', spo2: undefined }).failed).toEqual([]);
  });
});
