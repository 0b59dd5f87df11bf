import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import {
  ArrhythmiaAnalyser,
  type EcgAnalysis,
  type EcgArtefact,
  ICU_ARRHYTHMIA_ERRORS,
  NO_ARRHYTHMIA_ERRORS,
  type TrueRhythm,
  WARD_ARRHYTHMIA_ERRORS,
} from './arrhythmia-analysis.ts';

/** Seconds of analysis; counts each call's onsets (a call starting after a second without it). */
function onsets(
  analyser: ArrhythmiaAnalyser,
  seconds: number,
  rhythm: (s: number) => TrueRhythm,
  artefact: (s: number) => EcgArtefact = () => undefined,
) {
  const counts: Record<string, number> = {};
  let last: EcgAnalysis | undefined;
  for (let s = 0; s < seconds; s++) {
    const a = analyser.analyse(rhythm(s), artefact(s));
    const key = a.call ?? (a.analysable ? null : 'unanalysable');
    const lastKey = last === undefined ? null : (last.call ?? (last.analysable ? null : 'unanalysable'));
    if (key !== null && key !== lastKey) counts[key] = (counts[key] ?? 0) + 1;
    last = a;
  }
  return counts;
}

describe('a monitor’s arrhythmia analysis', () => {
  it('calls true arrhythmias as they are, and nothing in sinus rhythm, when it makes no errors', () => {
    const analyser = new ArrhythmiaAnalyser(new Rng(1), NO_ARRHYTHMIA_ERRORS);
    const seen = (r: TrueRhythm) => analyser.analyse(r, undefined);
    expect(seen('sinus')).toEqual({ call: null, analysable: true });
    expect(seen('vt')).toEqual({ call: 'vtach', analysable: true });
    expect(seen('brady')).toEqual({ call: 'brady', analysable: true });
    expect(seen('af-rvr')).toEqual({ call: 'afib', analysable: true });
    // No ECG: nothing to analyse (the monitor's "ECG no signal" is its own technical alarm).
    expect(analyser.analyse('vt', 'lost')).toEqual({ call: null, analysable: true });
    expect(onsets(analyser, 86_400, () => 'sinus')).toEqual({});
  });

  it('makes the errors Drew et al. describe: false VT from wide QRS, false asystole from low amplitude, AF re-detected', () => {
    // Over many patients: the ICU's error kinds each appear, and only in the patients that have the trait.
    let wide = 0;
    let low = 0;
    let vtInOthers = 0;
    let asystoleInOthers = 0;
    for (let i = 0; i < 40; i++) {
      const analyser = new ArrhythmiaAnalyser(new Rng(i).fork('arrhythmia'), ICU_ARRHYTHMIA_ERRORS);
      const counts = onsets(analyser, 6 * 3600, () => 'sinus');
      if (analyser.wideQrs) wide += counts.vtach ?? 0;
      else vtInOthers += counts.vtach ?? 0;
      if (analyser.lowAmplitude) low += counts.asystole ?? 0;
      else asystoleInOthers += counts.asystole ?? 0;
    }
    expect(wide).toBeGreaterThan(0);
    expect(low).toBeGreaterThan(0);
    expect(vtInOthers).toBe(0);
    expect(asystoleInOthers).toBe(0);
    // An hour of AF: the AF alarm is announced again and again (30 re-detections an hour in an ICU).
    const af = onsets(
      new ArrhythmiaAnalyser(new Rng('af'), { ...ICU_ARRHYTHMIA_ERRORS, ectopyMedianPerHour: 0, poorSignalPerHour: 0 }),
      3600,
      () => 'af-rvr',
    );
    expect(af.afib).toBeGreaterThan(15);
    expect(af.afib).toBeLessThan(50);
  });

  it('calls a burst of ECG noise VT or unanalysable, for as long as it lasts', () => {
    const calls = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const analyser = new ArrhythmiaAnalyser(new Rng(i).fork('noise'), { ...NO_ARRHYTHMIA_ERRORS, noiseAsVt: 0.5 });
      const during = Array.from({ length: 10 }, () => analyser.analyse('sinus', 'noise'));
      expect(new Set(during.map((a) => JSON.stringify(a))).size).toBe(1);
      calls.add(JSON.stringify(during[0]));
      expect(analyser.analyse('sinus', undefined)).toEqual({ call: null, analysable: true });
    }
    expect([...calls].sort()).toEqual(
      [JSON.stringify({ call: 'vtach', analysable: true }), JSON.stringify({ call: null, analysable: false })].sort(),
    );
  });

  it('errs far more often in an ICU than on a ward, and the same way for the same stream', () => {
    const total = (rates: typeof WARD_ARRHYTHMIA_ERRORS) => {
      let n = 0;
      for (let i = 0; i < 10; i++)
        for (const c of Object.values(onsets(new ArrhythmiaAnalyser(new Rng(i), rates), 6 * 3600, () => 'sinus'))) n += c;
      return n;
    };
    expect(total(ICU_ARRHYTHMIA_ERRORS)).toBeGreaterThan(3 * total(WARD_ARRHYTHMIA_ERRORS));
    const a = onsets(new ArrhythmiaAnalyser(new Rng('same'), ICU_ARRHYTHMIA_ERRORS), 3600, () => 'sinus');
    expect(onsets(new ArrhythmiaAnalyser(new Rng('same'), ICU_ARRHYTHMIA_ERRORS), 3600, () => 'sinus')).toEqual(a);
  });
});
