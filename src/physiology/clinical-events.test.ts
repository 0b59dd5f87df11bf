import { describe, expect, it } from 'vitest';
import { CLINICAL_EVENT_TYPES, applyEffects, clinicalEventSchema, effectLevel, eventEffects } from './clinical-events.ts';

describe('clinical events', () => {
  it('fills in per-type defaults and parses durations', () => {
    expect(clinicalEventSchema.parse({ type: 'desaturation', at: '10m' })).toEqual({
      type: 'desaturation',
      at: 600_000,
      duration: 300_000,
      onset: 60_000,
      recovery: 60_000,
      spo2: 85,
    });
    expect(clinicalEventSchema.parse({ type: 'fever', at: 0, temp: 40 })).toMatchObject({ onset: 1_800_000, hrPerDegree: 8.5 });
    expect(CLINICAL_EVENT_TYPES).toEqual([
      'desaturation',
      'tachycardia',
      'bradycardia',
      'hypotension',
      'hypertension',
      'fever',
      'respiratory-depression',
      'apnea',
    ]);
  });

  it('names what is wrong with a bad event', () => {
    const result = clinicalEventSchema.safeParse({ type: 'tachycardia', at: '5 minutes', hr: 400 });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toMatchInlineSnapshot(`
      [
        "at: expected a duration like "30s", "5m" or "1h30m"",
        "hr: Too big: expected number to be <=250",
      ]
    `);
    expect(clinicalEventSchema.safeParse({ type: 'seizure', at: 0 }).success).toBe(false);
  });

  it('ramps up over the onset, holds, and ramps down over the recovery', () => {
    const [effect] = eventEffects(
      clinicalEventSchema.parse({ type: 'bradycardia', at: 1000, onset: 1000, duration: 3000, recovery: 2000 }),
      { temp: 37 },
    );
    const levels = [0, 1000, 1500, 2000, 4000, 5000, 6000, 7000].map((t) => effectLevel(effect!, t));
    expect(levels).toEqual([0, 0, 0.5, 1, 1, 0.5, 0, 0]);
    // Ended before full onset: recovers from where it got to.
    const [short] = eventEffects(clinicalEventSchema.parse({ type: 'tachycardia', at: 0, onset: 4000, duration: 2000, recovery: 2000 }), {
      temp: 37,
    });
    expect(effectLevel(short!, 3000)).toBeCloseTo(0.25);
  });

  it('applies shifts before targets, so an explicit target holds', () => {
    const fever = eventEffects(clinicalEventSchema.parse({ type: 'fever', at: 0, onset: 0, temp: 39 }), { temp: 37 });
    const tachy = eventEffects(clinicalEventSchema.parse({ type: 'tachycardia', at: 0, onset: 0, hr: 150 }), { temp: 37 });
    expect(applyEffects('hr', 70, fever, 1000)).toBeCloseTo(87);
    expect(applyEffects('hr', 70, [...tachy, ...fever], 1000)).toBe(150);
    expect(applyEffects('temp', 36.8, fever, 1000)).toBe(39);
  });
});
