import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { drawVitalsBaseline, VitalsModel, type VitalsBaseline, type VitalsTruth } from './vitals.ts';

const BASELINE: VitalsBaseline = { hr: 72, spo2: 97.5, rr: 15, temp: 36.8, sbp: 120, dbp: 75 };

function series(seed: number, seconds: number, baseline = BASELINE): VitalsTruth[] {
  const model = new VitalsModel(new Rng(seed).fork('vitals'), baseline);
  const out: VitalsTruth[] = [];
  for (let s = 1; s <= seconds; s++) {
    model.advanceTo(s * 1000);
    out.push(model.truth());
  }
  return out;
}

describe('VitalsModel', () => {
  it('gives the same series for the same seed and another for another seed', () => {
    expect(series(1, 300)).toEqual(series(1, 300));
    expect(series(1, 300).map((v) => v.hr)).not.toEqual(series(2, 300).map((v) => v.hr));
  });

  it('depends only on t, not on how the caller stepped there', () => {
    const stepped = new VitalsModel(new Rng(3), BASELINE);
    for (let t = 0; t <= 600_000; t += 7_000) stepped.advanceTo(t);
    stepped.advanceTo(600_500);
    const jumped = new VitalsModel(new Rng(3), BASELINE);
    jumped.advanceTo(600_500);
    expect(jumped.truth()).toEqual(stepped.truth());
  });

  it('is idempotent for the same t and refuses to go back', () => {
    const model = new VitalsModel(new Rng(4), BASELINE);
    model.advanceTo(10_000);
    const first = model.truth();
    model.advanceTo(10_000);
    expect(model.truth()).toEqual(first);
    expect(() => model.advanceTo(9_000)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: VitalsModel cannot go back in time: now is 10000 ms, asked for 9000 ms]`,
    );
  });

  it('varies beat to beat and minute to minute around the baseline', () => {
    const hr = series(5, 3600).map((v) => v.hr);
    const mean = hr.reduce((s, x) => s + x, 0) / hr.length;
    const sd = Math.sqrt(hr.reduce((s, x) => s + (x - mean) ** 2, 0) / hr.length);
    // Circadian term at 08:00–09:00 with a 14:00 peak sits a few bpm below the baseline.
    expect(Math.abs(mean - BASELINE.hr)).toBeLessThan(8);
    expect(sd).toBeGreaterThan(2);
    expect(sd).toBeLessThan(7);
    const successive = hr.slice(1).map((x, i) => Math.abs(x - hr[i]!));
    expect(Math.max(...successive)).toBeGreaterThan(1);
  });

  it('stays in physiological ranges over 24 h and follows the circadian temperature rhythm', () => {
    const model = new VitalsModel(new Rng(6), BASELINE, { startHour: 0 });
    const temps: number[] = [];
    for (let t = 0; t <= 86_400_000; t += 10_000) {
      model.advanceTo(t);
      const v = model.truth();
      expect(v.hr).toBeGreaterThan(45);
      expect(v.hr).toBeLessThan(110);
      expect(v.spo2).toBeGreaterThanOrEqual(93);
      expect(v.spo2).toBeLessThanOrEqual(100);
      expect(v.rr).toBeGreaterThan(8);
      expect(v.rr).toBeLessThan(24);
      expect(v.temp).toBeGreaterThan(35.8);
      expect(v.temp).toBeLessThan(37.8);
      expect(v.sbp).toBeGreaterThan(95);
      expect(v.sbp).toBeLessThan(150);
      expect(v.dbp).toBeLessThan(v.sbp);
      expect(v.map).toBeCloseTo(v.dbp + (v.sbp - v.dbp) / 3, 9);
      temps.push(v.temp);
    }
    const hourMean = (h: number) => {
      const slice = temps.slice(h * 360, (h + 1) * 360);
      return slice.reduce((s, x) => s + x, 0) / slice.length;
    };
    // Peak ~17:00, nadir ~05:00.
    expect(hourMean(17) - hourMean(5)).toBeGreaterThan(0.3);
  });

  it('moves SpO2 to a desaturation target within the onset, holds, and recovers after', () => {
    const model = new VitalsModel(new Rng(7), BASELINE);
    model.schedule({ type: 'desaturation', at: '2m', onset: '30s', duration: '3m', recovery: '1m', spo2: 82 });
    const at = (t: number) => {
      model.advanceTo(t);
      return model.truth().spo2;
    };
    expect(at(119_000)).toBeGreaterThan(94);
    const mid = at(135_000);
    expect(mid).toBeLessThan(94);
    expect(mid).toBeGreaterThan(84);
    for (let t = 150_000; t <= 300_000; t += 5_000) expect(Math.abs(at(t) - 82)).toBeLessThan(2);
    const recovering = at(330_000);
    expect(recovering).toBeGreaterThan(84);
    expect(recovering).toBeLessThan(95);
    for (let t = 361_000; t <= 600_000; t += 5_000) expect(at(t)).toBeGreaterThan(94);
  });

  it('combines events with the baseline process', () => {
    const model = new VitalsModel(new Rng(8), BASELINE);
    model.schedule({ type: 'tachycardia', at: 0, onset: 0, duration: '10m', hr: 150 });
    model.schedule({ type: 'apnea', at: '1m', duration: '20s' });
    model.schedule({ type: 'fever', at: 0, onset: 0, duration: '1h', temp: 39.5 });
    model.advanceTo(70_000);
    const v = model.truth();
    expect(Math.abs(v.hr - 150)).toBeLessThan(12);
    expect(v.rr).toBe(0);
    expect(Math.abs(v.temp - 39.5)).toBeLessThan(0.4);
    model.advanceTo(20 * 60_000);
    // Fever persists and lifts HR ~8.5 bpm/°C after the tachycardia has gone.
    expect(model.truth().hr).toBeGreaterThan(BASELINE.hr + 10);
    expect(model.truth().rr).toBeGreaterThan(8);
  });

  it('rejects an event it cannot understand, naming the field', () => {
    const model = new VitalsModel(new Rng(9), BASELINE);
    expect(() => model.schedule({ type: 'desaturation', at: 'soon' })).toThrow(/expected a duration like/);
    expect(() => model.schedule({ type: 'desaturation', at: 0, spo2: 120 })).toThrow(/spo2/);
  });
});

describe('drawVitalsBaseline', () => {
  it('draws plausible adults deterministically', () => {
    const rng = new Rng('baseline');
    const a = drawVitalsBaseline(new Rng('b'), { ageYears: 70, sex: 'male' });
    expect(drawVitalsBaseline(new Rng('b'), { ageYears: 70, sex: 'male' })).toEqual(a);
    for (let i = 0; i < 500; i++) {
      const b = drawVitalsBaseline(rng, { ageYears: rng.int(18, 90) });
      expect(b.hr).toBeGreaterThanOrEqual(55);
      expect(b.hr).toBeLessThanOrEqual(95);
      expect(b.spo2).toBeGreaterThanOrEqual(95.5);
      expect(b.sbp - b.dbp).toBeGreaterThanOrEqual(30);
      expect(b.temp).toBeGreaterThan(36);
    }
  });
});
