import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { DEFAULT_ARTEFACT_RATES, MonitorSensor } from './monitor-sensor.ts';
import { SyntheticPatient } from './patient.ts';
import { ACUITY_MIX, VITAL_PROFILES, drawVitalProfile } from './vital-profiles.ts';
import { VitalsModel } from './vitals.ts';

const HOUR = 3_600_000;
const BASELINE = { hr: 72, spo2: 97.5, rr: 15, temp: 36.8, sbp: 120, dbp: 75 };

describe('sick-patient profiles', () => {
  it('draw each unit mix in its stated shares over seeded patients', () => {
    const n = 2000;
    for (const acuity of ['ward', 'icu'] as const) {
      const counts: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        const name = drawVitalProfile(new Rng(i).fork('profile'), acuity);
        counts[name] = (counts[name] ?? 0) + 1;
      }
      for (const [name, share] of Object.entries(ACUITY_MIX[acuity])) {
        // Binomial SD at n = 2000 is ≤ 1.1 %; 4 SD of margin.
        expect(Math.abs((counts[name] ?? 0) / n - share), `${acuity} ${name}`).toBeLessThan(0.045);
      }
    }
    expect(drawVitalProfile(new Rng(1), 'healthy')).toBe('healthy');
  });

  it('give a ward some patients whose true SpO2 is below 94 % and HR above 100', () => {
    let lowSpo2 = 0;
    let fastHr = 0;
    const profiles = new Set<string>();
    for (let i = 1; i <= 30; i++) {
      const patient = new SyntheticPatient({ id: `P-${i}`, rng: new Rng(i).fork('p'), acuity: 'ward' });
      profiles.add(patient.profile);
      let low = false;
      let fast = false;
      for (let t = 60_000; t <= 6 * HOUR; t += 60_000) {
        patient.advanceTo(t);
        const v = patient.truth();
        low ||= v.spo2! < 94;
        fast ||= v.hr! > 100;
      }
      if (low) lowSpo2++;
      if (fast) fastHr++;
    }
    expect(profiles.size).toBeGreaterThanOrEqual(4);
    expect(lowSpo2).toBeGreaterThanOrEqual(3);
    expect(fastHr).toBeGreaterThanOrEqual(1);
    // Still a ward: most patients never go below 94 % in six hours.
    expect(lowSpo2).toBeLessThan(20);
  });

  it('shift a septic patient the way sepsis does: faster heart and breathing, fever, lower pressure', () => {
    const well = new SyntheticPatient({ id: 'P', rng: new Rng(5), profile: 'healthy' });
    const septic = new SyntheticPatient({ id: 'P', rng: new Rng(5), profile: 'sepsis' });
    const w = well.vitals.baseline;
    const s = septic.vitals.baseline;
    expect(s.hr - w.hr).toBeCloseTo(VITAL_PROFILES.sepsis.shift.hr, 6);
    expect(s.rr).toBeGreaterThan(w.rr);
    expect(s.temp).toBeGreaterThan(w.temp + 1);
    expect(s.sbp).toBeLessThan(w.sbp);
  });

  it('keep a COPD patient near the 88–92 % target range', () => {
    for (let i = 0; i < 50; i++) {
      const spo2 = new SyntheticPatient({ id: 'P', rng: new Rng(i), profile: 'copd' }).vitals.baseline.spo2;
      expect(spo2).toBeGreaterThanOrEqual(91);
      expect(spo2).toBeLessThanOrEqual(94);
    }
  });

  it('bring AF with rapid ventricular response, bradycardia and non-sustained VT episodes at their rates', () => {
    let af = 0;
    let brady = 0;
    let vt = 0;
    let vtSeconds = 0;
    let vtHr = 0;
    let afHr = 0;
    let afSamples = 0;
    for (let i = 0; i < 20; i++) {
      const model = new VitalsModel(new Rng(i), BASELINE, { profile: VITAL_PROFILES['heart-failure'] });
      let last: unknown;
      // Every second: a run of VT lasts seconds.
      for (let t = 1000; t <= 24 * HOUR; t += 1000) {
        model.advanceTo(t);
        const e = model.episode;
        if (e !== undefined && e !== last) {
          if (e.kind === 'af-rvr') af++;
          else if (e.kind === 'brady') brady++;
          else vt++;
        }
        if (e?.kind === 'vt') {
          vtSeconds++;
          vtHr += model.truth().hr;
        }
        if (e?.kind === 'af-rvr' && t % 10_000 === 0) {
          afHr += model.truth().hr;
          afSamples++;
        }
        last = e;
      }
    }
    // 20 patient-days at 0.5 AF, 0.3 brady and 0.3 VT episodes a day (minus time spent in episodes).
    expect(vt).toBeGreaterThanOrEqual(1);
    expect(vt).toBeLessThanOrEqual(15);
    // Runs of seconds at about 170 bpm.
    expect(vtSeconds / vt).toBeLessThan(40);
    expect(vtHr / vtSeconds).toBeGreaterThan(140);
    expect(af).toBeGreaterThanOrEqual(3);
    expect(af).toBeLessThanOrEqual(20);
    expect(brady).toBeGreaterThanOrEqual(1);
    expect(afHr / afSamples).toBeGreaterThan(105);
    // A well model without a profile never has an episode.
    const plain = new VitalsModel(new Rng(1), BASELINE);
    plain.advanceTo(24 * HOUR);
    expect(plain.episode).toBeUndefined();
  });
});

describe('monitor artefacts', () => {
  it('make readings invalid or falsely low for a while, at about their rates, and not without them', () => {
    const sensor = new MonitorSensor(new Rng(3), {}, DEFAULT_ARTEFACT_RATES);
    const clean = new MonitorSensor(new Rng(3));
    let invalid = 0;
    let falselyLow = 0;
    let cleanLow = 0;
    const seconds = 20 * 3600;
    for (let s = 0; s < seconds; s++) {
      const spo2 = sensor.measure('spo2', 97);
      sensor.measure('hr', 70);
      if (spo2 === null) invalid++;
      else if (spo2 <= 90) falselyLow++;
      const c = clean.measure('spo2', 97);
      if (c === null || c <= 90) cleanLow++;
    }
    // Probe off 0.25/h × 15–180 s: a few hundred invalid seconds in 20 h; motion drops of 3–15 %.
    expect(invalid).toBeGreaterThan(300);
    expect(invalid).toBeLessThan(0.05 * seconds);
    expect(falselyLow).toBeGreaterThan(20);
    expect(cleanLow).toBe(0);
  });

  it('rejects a negative rate with a message naming it', () => {
    expect(() => new MonitorSensor(new Rng(1), {}, { motion: -1 })).toThrow(/artefact rate "motion"/);
  });
});
