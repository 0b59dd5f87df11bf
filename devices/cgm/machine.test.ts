import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { DeviceModel } from '../device-model.ts';
import { cgmDescriptor as d, type CgmTelemetry } from './index.ts';
import type { CgmPlant } from './plant.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

function boot(options: { settings?: unknown; profile?: unknown } = {}) {
  const clock = new SimClock();
  const rng = new Rng('cgm-test');
  const emitted: DeviceEmitted[] = [];
  const model = new DeviceModel(d, { id: 'cgm-1', ...options, clock, rng, onEmitted: (e) => emitted.push(e) });
  model.start();
  /** Advances one sample period and delivers a reading (null: no reading). */
  const sample = (glucose: number | null, conditions: Record<string, number> = {}) => {
    clock.advance(d.samplePeriodMs);
    model.sample({ t: clock.now(), measured: { glucose }, conditions, rng });
  };
  const label = () => model.stateLabel;
  const telemetry = () => model.telemetry() as CgmTelemetry;
  const command = (body: unknown) => model.command(d.commandSchema.parse(body));
  const raised = () => emitted.flatMap((e) => (e.type === 'alarm.raised' ? [e.alarm.code] : []));
  const cleared = () => emitted.flatMap((e) => (e.type === 'alarm.cleared' ? [e.code] : []));
  return { clock, model, plant: model.plant as CgmPlant, emitted, sample, label, telemetry, command, raised, cleared };
}

/** Booted with a sensor already past warm-up. */
// Two days in: from 48 h to day 7 a sensor has no wear error (sensor-age.ts), so readings are exact.
const active = (settings?: unknown) => boot({ settings, profile: { sensorAge: '2d' } });

describe('cgm sensor session', () => {
  it('warms up for 2 h by default, then reads every sample', () => {
    const cgm = boot();
    expect(cgm.label()).toBe('warm-up');
    expect(cgm.telemetry().warmUpRemainingMs).toBe(2 * HOUR);
    for (let i = 0; i < 23; i++) cgm.sample(120);
    expect(cgm.label()).toBe('warm-up');
    expect(cgm.telemetry()).toMatchObject({ glucose: null, warmUpRemainingMs: 5 * MIN });
    cgm.clock.advance(5 * MIN - 1);
    expect(cgm.label()).toBe('warm-up');
    cgm.clock.advance(1);
    expect(cgm.label()).toBe('active');
    cgm.sample(121.4);
    expect(cgm.telemetry()).toMatchObject({ state: 'active', warmUpRemainingMs: null, sensorAgeMs: 2 * HOUR + 5 * MIN });
    // A fresh sensor reads low (early sensor attenuation, sensor-age.ts), by this sensor's drawn amount.
    const { glucose } = cgm.telemetry();
    expect(glucose).toBeLessThan(121);
    expect(glucose).toBeGreaterThan(121.4 * 0.75);
  });

  it('honours a configured warm-up (Dexcom G7: 30 min)', () => {
    const cgm = boot({ settings: { warmUp: '30m' } });
    cgm.clock.advance(30 * MIN - 1);
    expect(cgm.label()).toBe('warm-up');
    cgm.clock.advance(1);
    expect(cgm.label()).toBe('active');
  });

  it('expires exactly 10 days after the sensor started and raises sensor.expired', () => {
    const cgm = boot();
    cgm.clock.advance(10 * 24 * HOUR - 1);
    expect(cgm.label()).toBe('active');
    cgm.clock.advance(1);
    expect(cgm.label()).toBe('expired');
    expect(cgm.raised()).toEqual(['sensor.expired']);
    cgm.sample(120);
    expect(cgm.telemetry().glucose).toBeNull();
  });

  it('starts a new sensor on command: accepted, warm-up again, expired alarm cleared', () => {
    const cgm = boot({ settings: { sensorLife: '1d' } });
    cgm.clock.advance(24 * HOUR);
    expect(cgm.label()).toBe('expired');
    cgm.command({ type: 'sensor.start', commandId: 'c1' });
    expect(cgm.label()).toBe('warm-up');
    expect(cgm.cleared()).toEqual(['sensor.expired']);
    expect(cgm.emitted).toContainEqual({ type: 'command.accepted', command: 'sensor.start', commandId: 'c1' });
  });

  it('times warm-up from the start command even between samples', () => {
    const cgm = active();
    cgm.sample(100);
    cgm.clock.advance(2 * MIN);
    cgm.command({ type: 'sensor.start' });
    cgm.clock.advance(2 * HOUR - 1);
    expect(cgm.label()).toBe('warm-up');
    cgm.clock.advance(1);
    expect(cgm.label()).toBe('active');
  });

  it('starts mid-session from a profile, or expired if the sensor is past its life', () => {
    const mid = boot({ profile: { sensorAge: '9d23h' } });
    expect(mid.label()).toBe('active');
    expect(mid.telemetry().sensorAgeMs).toBe(239 * HOUR);
    mid.clock.advance(HOUR);
    expect(mid.label()).toBe('expired');
    const old = boot({ profile: { sensorAge: '11d' } });
    expect(old.label()).toBe('expired');
    expect(old.raised()).toEqual(['sensor.expired']);
  });

  it('restarts warm-up when a sensor is started during a session', () => {
    const cgm = active();
    cgm.sample(100);
    cgm.command({ type: 'sensor.start' });
    expect(cgm.label()).toBe('warm-up');
    expect(cgm.telemetry()).toMatchObject({ glucose: null, sensorAgeMs: 0, warmUpRemainingMs: 2 * HOUR });
  });

  it('rejects sensor.stop without a session and commands while off', () => {
    const cgm = active();
    cgm.command({ type: 'sensor.stop', commandId: 's1' });
    expect(cgm.label()).toBe('no-sensor');
    cgm.command({ type: 'sensor.stop', commandId: 's2' });
    expect(cgm.emitted.filter((e) => e.type.startsWith('command.'))).toEqual([
      // The boot profile's sensor is started like any other, and acknowledged as such.
      { type: 'command.accepted', command: 'sensor.start', commandId: 'profile' },
      { type: 'command.accepted', command: 'sensor.stop', commandId: 's1' },
      {
        type: 'command.rejected',
        command: 'sensor.stop',
        commandId: 's2',
        code: 'state.invalid',
        reason: 'cannot sensor.stop: no sensor session is running',
      },
    ]);
    cgm.model.send({ type: 'device.power-off' });
    cgm.command({ type: 'acknowledge' });
    expect(cgm.emitted.at(-1)).toMatchObject({
      type: 'command.rejected',
      code: 'state.invalid',
      reason: 'cannot acknowledge: the receiver is off',
    });
  });
});

describe('cgm readings', () => {
  it('shows LOW below 40 and HIGH above 400', () => {
    const cgm = active();
    cgm.sample(39);
    expect(cgm.telemetry()).toMatchObject({ glucose: 40, display: 'LOW' });
    cgm.sample(450);
    expect(cgm.telemetry()).toMatchObject({ glucose: 400, display: 'HIGH' });
    cgm.sample(400);
    expect(cgm.telemetry()).toMatchObject({ glucose: 400, display: null });
  });

  it('draws Dexcom trend arrows from the rate of change', () => {
    const cgm = active();
    cgm.sample(100);
    cgm.sample(112.5);
    expect(cgm.telemetry().trend).toBe('none'); // two readings over 5 minutes are too few
    cgm.sample(125);
    expect(cgm.telemetry()).toMatchObject({ trend: 'singleUp', rateOfChange: 2.5 });
    for (const v of [125, 125.5, 126]) cgm.sample(v);
    expect(cgm.telemetry().trend).toBe('flat');
    for (const v of [110, 95, 80]) cgm.sample(v);
    expect(cgm.telemetry().trend).toBe('doubleDown');
  });

  it('keeps 3 h of readings for backfill', () => {
    const cgm = active();
    for (let i = 1; i <= 48; i++) cgm.sample(100 + i);
    const all = d.backfill!(cgm.plant, 0);
    expect(all).toHaveLength(36);
    expect(all[0]).toEqual({ t: 13 * 5 * MIN, value: 113 });
    expect(all.at(-1)).toEqual({ t: 48 * 5 * MIN, value: 148 });
    expect(d.backfill!(cgm.plant, 46 * 5 * MIN)).toEqual([
      { t: 47 * 5 * MIN, value: 147 },
      { t: 48 * 5 * MIN, value: 148 },
    ]);
  });

  it('enters signal loss after 4 consecutive missing samples and recovers on the next reading', () => {
    const cgm = active();
    cgm.sample(110);
    for (let i = 0; i < 3; i++) cgm.sample(null);
    expect(cgm.label()).toBe('active');
    expect(cgm.telemetry().glucose).toBeNull();
    expect(cgm.raised()).toEqual([]);
    cgm.sample(null);
    expect(cgm.label()).toBe('signal-loss');
    expect(cgm.raised()).toEqual(['sensor.signal-loss']);
    cgm.sample(112);
    expect(cgm.label()).toBe('active');
    expect(cgm.cleared()).toEqual(['sensor.signal-loss']);
    expect(cgm.telemetry().glucose).toBe(112);
  });

  it('honours the signal-loss sample count setting', () => {
    const cgm = active({ signalLossSamples: 2 });
    cgm.sample(null);
    expect(cgm.label()).toBe('active');
    cgm.sample(null);
    expect(cgm.label()).toBe('signal-loss');
  });

  it('reports a sensor error while the sensor.error condition is set', () => {
    const cgm = active();
    cgm.sample(60);
    expect(cgm.raised()).toEqual(['glucose.low']);
    cgm.sample(60, { 'sensor.error': 1 });
    expect(cgm.label()).toBe('sensor-error');
    expect(cgm.telemetry().glucose).toBeNull();
    expect(cgm.raised()).toEqual(['glucose.low', 'sensor.error']);
    expect(cgm.cleared()).toEqual(['glucose.low']);
    cgm.sample(100);
    expect(cgm.label()).toBe('active');
    expect(cgm.cleared()).toEqual(['glucose.low', 'sensor.error']);
  });
});
