import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import type { EcgAnalysis, MeasuredValues } from '../../src/physiology/signals.ts';
import type { DeviceConditions } from '../descriptor.ts';
import { DEFAULT_MONITOR_SETTINGS, type MonitorContext } from './context.ts';
import { MonitorPlant } from './plant.ts';

const NORMAL: MeasuredValues = { hr: 75, spo2: 98, rr: 14, temp: 36.8, sbp: 120, dbp: 78, map: 92 };
const context: MonitorContext = { id: 'm', firmware: '1', settings: DEFAULT_MONITOR_SETTINGS, alarms: [], nibpRequests: 0 };
const monitoring = { value: 'monitoring', context };
const rng = new Rng('plant');

/** A plant following a monitoring machine, sampled once a second from 1 s with `measured(t)`. */
function run(
  seconds: number,
  measured: (t: number) => MeasuredValues,
  conditions: (t: number) => DeviceConditions = () => ({}),
  ecg?: (t: number) => EcgAnalysis,
) {
  const plant = new MonitorPlant();
  plant.follow(monitoring, 0);
  const events: { t: number; conditions: string[] }[] = [];
  for (let t = 1000; t <= seconds * 1000; t += 1000) {
    const analysis = ecg?.(t);
    const input = { t, measured: { ...NORMAL, ...measured(t) }, conditions: conditions(t), rng, ...(analysis ? { ecg: analysis } : {}) };
    for (const e of plant.sample(monitoring, input)) {
      if (e.type === 'alarm.conditions') events.push({ t, conditions: e.conditions.map((c) => `${c.code}:${c.priority}`) });
    }
  }
  return { plant, events };
}

describe('the monitor plant', () => {
  it('tells the machine when a condition has held for its delay, escalates past crit, and goes', () => {
    const { events, plant } = run(30, (t) => ({ hr: t < 10_000 ? 150 : t < 20_000 ? 165 : 80 }));
    expect(events).toEqual([
      { t: 6000, conditions: ['hr.high:medium'] },
      // Beyond the crit limit (160) since 10 s, for the 5 s delay.
      { t: 15_000, conditions: ['hr.high:high'] },
      { t: 20_000, conditions: [] },
    ]);
    expect(plant.onsets).toEqual({});
  });

  it('reports conditions due together technical first, then by parameter', () => {
    // SpO2 low has persisted 5 s at 6 s, just as the lead comes off (no delay).
    const { events } = run(
      8,
      () => ({ spo2: 90 }),
      (t): DeviceConditions => (t >= 6000 ? { 'ecg.lead-off': 1 } : {}),
    );
    expect(events).toEqual([{ t: 6000, conditions: ['ecg.lead-off:medium', 'spo2.low:medium'] }]);
  });

  it('says nothing and allocates nothing new in a quiet second', () => {
    const plant = new MonitorPlant();
    plant.follow(monitoring, 0);
    const measured = { ...NORMAL };
    plant.sample(monitoring, { t: 1000, measured, conditions: {}, rng });
    const values = plant.values;
    const onsets = plant.onsets;
    const quiet = plant.sample(monitoring, { t: 2000, measured, conditions: {}, rng });
    expect(quiet).toEqual([]);
    expect(plant.sample(monitoring, { t: 3000, measured, conditions: {}, rng })).toBe(quiet);
    expect(plant.values).toBe(values);
    expect(plant.onsets).toBe(onsets);
  });

  it('measures nothing outside monitoring, and starts over when monitoring starts', () => {
    const plant = new MonitorPlant();
    const standby = { value: 'standby', context };
    plant.follow(standby, 0);
    expect(plant.sample(standby, { t: 1000, measured: NORMAL, conditions: {}, rng })).toEqual([]);
    expect(plant.values.hr).toBeNull();
    plant.follow(monitoring, 1500);
    plant.sample(monitoring, { t: 2000, measured: NORMAL, conditions: {}, rng });
    expect(plant.values.hr).toBe(75);
    // The first NIBP determination comes with monitoring.
    expect(plant.nibp).toEqual({ sbp: 120, dbp: 78, map: 92, t: 2000 });
  });

  it('announces the arrhythmia analysis at once, a noisy ECG as a technical alarm, and nothing without an HR', () => {
    const call = (c: EcgAnalysis['call'], analysable = true): EcgAnalysis => ({ call: c, analysable });
    const { events } = run(
      12,
      (t) => (t >= 10_000 ? { hr: null } : {}),
      () => ({}),
      (t) => (t < 3000 ? call('vtach') : t < 5000 ? call(null) : t < 7000 ? call(null, false) : t < 9000 ? call('afib') : call('asystole')),
    );
    expect(events).toEqual([
      { t: 1000, conditions: ['arrhythmia.vtach:high'] },
      { t: 3000, conditions: [] },
      { t: 5000, conditions: ['ecg.noisy:low'] },
      { t: 7000, conditions: ['arrhythmia.afib:medium'] },
      { t: 9000, conditions: ['arrhythmia.asystole:high'] },
      // No HR shown (no ECG): no analysis; the monitor says "ECG no signal" after its delay.
      { t: 10_000, conditions: [] },
    ]);
  });
});
