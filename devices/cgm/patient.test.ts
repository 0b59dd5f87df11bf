import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import { CgmSensor } from '../../src/physiology/cgm-sensor.ts';
import { GlucoseModel } from '../../src/physiology/glucose.ts';
import { AccuracyStats } from '../../src/physiology/metrics.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { DeviceModel } from '../device-model.ts';
import { cgmDescriptor as d, type CgmTelemetry } from './index.ts';

const HOUR = 3_600_000;

/** Drives the CGM the way the fleet does: patient → sensor → sample event each period, telemetry each period. */
function wear(seed: string, hours: number, atHour: (h: number, patient: GlucoseModel) => void) {
  const rng = new Rng(seed);
  const clock = new SimClock();
  const patient = new GlucoseModel(rng.fork('patient'), { weightKg: 80 });
  const sensor = new CgmSensor(rng.fork('sensor'));
  const emitted: { t: number; event: DeviceEmitted }[] = [];
  const deviceRng = rng.fork('device');
  const model = new DeviceModel(d, { id: 'cgm-7', clock, rng: deviceRng, onEmitted: (e) => emitted.push({ t: clock.now(), event: e }) });
  model.start();
  const accuracy = new AccuracyStats();
  const truth = new Map<number, number>();
  for (let t = d.samplePeriodMs; t <= hours * HOUR; t += d.samplePeriodMs) {
    clock.advanceTo(t);
    if (t % HOUR === 0) atHour(t / HOUR, patient);
    patient.advanceTo(t);
    truth.set(t, patient.glucose());
    const measured = { glucose: sensor.measure(patient.interstitialGlucose()) };
    model.sample({ t, measured, conditions: {}, rng: deviceRng });
    const body = model.telemetry() as CgmTelemetry;
    d.telemetrySchema.parse(body);
    if (body.glucose !== null && body.display === null) accuracy.add(patient.glucose(), body.glucose);
  }
  return { emitted, accuracy: accuracy.summary(), truth };
}

describe('cgm on a simulated patient', () => {
  it('reads nothing during warm-up, then tracks the patient', () => {
    const { accuracy, emitted } = wear('steady', 12, () => {});
    expect(accuracy.n).toBe(10 * 12 + 1); // readings from the end of the 2 h warm-up on, 12 an hour
    expect(accuracy.mard).toBeLessThan(15);
    expect(emitted.filter((e) => e.event.type === 'alarm.raised')).toEqual([]);
  });

  it('raises urgent low when an insulin overdose drives the patient down', () => {
    const { emitted, truth } = wear('overdose', 10, (h, patient) => {
      if (h === 3) patient.setInsulinRate(patient.basalRateUPerH() * 8);
    });
    const urgent = emitted.find((e) => e.event.type === 'alarm.raised' && e.event.alarm.code === 'glucose.urgent-low');
    const soon = emitted.find((e) => e.event.type === 'alarm.raised' && e.event.alarm.code === 'glucose.urgent-low-soon');
    expect(urgent?.t).toBeGreaterThan(3 * HOUR);
    expect(soon?.t).toBeLessThan(urgent!.t); // the predictive alert comes first
    // Not a false alarm, and not late: the patient is truly low, crossed 55 mg/dL at most 20 minutes before.
    expect(truth.get(urgent!.t)).toBeLessThan(70);
    const crossed = [...truth].find(([, g]) => g <= 55)![0];
    expect(urgent!.t - crossed).toBeLessThanOrEqual(20 * 60_000);
  });
});
