import { describe, expect, it } from 'vitest';
import { clarkeZone, clarkeZones } from './clarke.ts';
import { AccuracyStats, GlycaemicStats, accuracySummary, bgRisk, glycaemicSummary, mard, riskIndices } from './metrics.ts';

describe('Clarke error grid (Clarke 1987)', () => {
  it.each([
    [100, 100, 'A'],
    [100, 119, 'A'], // within 20 %
    [250, 200, 'A'], // exactly −20 %
    [50, 65, 'A'], // both below 70
    [65, 77, 'A'], // reference 175/3–70, reading under 6/5 of it
    [100, 130, 'B'],
    [250, 190, 'B'],
    [300, 200, 'B'],
    [100, 220, 'C'], // ≥ reference + 110
    [150, 25, 'C'], // ≤ 7/5·150 − 182 = 28
    [300, 100, 'D'], // high missed
    [50, 100, 'D'], // low missed
    [65, 80, 'D'], // reference 175/3–70, reading ≥ 6/5 of it
    [60, 200, 'E'],
    [200, 60, 'E'],
  ] as const)('reference %d, reading %d → zone %s', (reference, measured, zone) => {
    expect(clarkeZone(reference, measured)).toBe(zone);
  });

  it('gives zone percentages', () => {
    expect(clarkeZones([100, 100, 60, 300], [100, 130, 200, 100])).toEqual({ A: 25, B: 25, C: 0, D: 25, E: 25 });
    expect(() => clarkeZones([1], [])).toThrow('clarkeZones: expected arrays of equal length, received 1 references and 0 readings');
  });
});

describe('accuracy', () => {
  it('computes MARD of known arrays', () => {
    expect(mard([100, 200], [110, 180])).toBeCloseTo(10, 10);
    expect(mard([100, 100, 100, 100], [100, 105, 95, 120])).toBeCloseTo(7.5, 10);
  });

  it('counts missing readings apart and agrees with its batch form', () => {
    const stats = new AccuracyStats();
    stats.add(100, 110);
    stats.add(100, null);
    stats.add(200, 150);
    expect(stats.summary()).toEqual({ n: 2, missing: 1, mard: 17.5, meanBias: -20, clarke: { A: 50, B: 50, C: 0, D: 0, E: 0 } });
    expect(accuracySummary([100, 100, 200], [110, null, 150])).toEqual(stats.summary());
  });
});

describe('glycaemic metrics (Battelino 2019, Kovatchev 1997)', () => {
  const values = [50, 60, 70, 100, 180, 181, 250, 251, 300, 53];

  it('splits time into the consensus ranges', () => {
    expect(glycaemicSummary(values)).toMatchObject({ n: 10, inRange: 30, below70: 30, below54: 20, above180: 40, above250: 20 });
  });

  it('computes mean, SD, CV and GMI', () => {
    const s = glycaemicSummary(values);
    expect(s.mean).toBeCloseTo(149.5, 10);
    expect(s.sd).toBeCloseTo(94.8499, 3);
    expect(s.cv).toBeCloseTo((100 * 94.8499) / 149.5, 2);
    expect(s.gmi).toBeCloseTo(3.31 + 0.02392 * 149.5, 10);
  });

  it('computes the Kovatchev risk function and LBGI/HBGI', () => {
    expect(bgRisk(112.5)).toBeCloseTo(0, 3);
    expect(bgRisk(70)).toBeCloseTo(7.7552, 3);
    expect(bgRisk(250)).toBeCloseTo(22.4362, 3);
    expect(bgRisk(20)).toBeCloseTo(100.04, 1);
    expect(bgRisk(5)).toBe(bgRisk(20));
    const { lbgi, hbgi } = riskIndices(values);
    expect(lbgi).toBeCloseTo(6.3715, 3);
    expect(hbgi).toBeCloseTo(9.4693, 3);
  });

  it('streams: skips missing values and matches the batch result', () => {
    const stats = new GlycaemicStats();
    for (const v of [...values, null, Number.NaN]) stats.add(v);
    expect(stats.summary()).toEqual(glycaemicSummary(values));
    expect(new GlycaemicStats().summary()).toMatchObject({ n: 0, inRange: 0, lbgi: 0 });
  });
});
