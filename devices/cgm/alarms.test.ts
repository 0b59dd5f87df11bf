import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { DeviceModel } from '../device-model.ts';
import { cgmDescriptor as d, type CgmTelemetry } from './index.ts';

const MIN = 60_000;

function activeCgm(settings?: unknown) {
  const clock = new SimClock();
  const rng = new Rng('cgm-alarms');
  const emitted: DeviceEmitted[] = [];
  const model = new DeviceModel(d, { id: 'cgm-1', settings, profile: { sensorAge: '2d' }, clock, rng, onEmitted: (e) => emitted.push(e) });
  model.start();
  const sample = (glucose: number | null) => {
    clock.advance(d.samplePeriodMs);
    model.sample({ t: clock.now(), measured: { glucose }, conditions: {}, rng });
  };
  const command = (body: unknown) => model.command(d.commandSchema.parse(body));
  const active = () => model.activeAlarms.map((a) => a.code);
  const telemetry = () => model.telemetry() as CgmTelemetry;
  return { clock, model, emitted, sample, command, active, telemetry };
}

describe('cgm glucose alarms', () => {
  it('raises urgent low (high priority) below 55 mg/dL, not above', () => {
    const cgm = activeCgm({ urgentLowSoonEnabled: false });
    cgm.sample(56);
    expect(cgm.active()).toEqual(['glucose.low']);
    cgm.sample(54);
    expect(cgm.active()).toEqual(['glucose.urgent-low']);
    const raised = cgm.emitted.find((e) => e.type === 'alarm.raised' && e.alarm.code === 'glucose.urgent-low');
    expect(raised).toEqual({
      type: 'alarm.raised',
      alarm: {
        code: 'glucose.urgent-low',
        priority: 'high',
        category: 'physiological',
        message: 'Urgent low glucose',
        parameter: 'glucose',
        value: 54,
        limit: 55,
      },
    });
    cgm.sample(90);
    expect(cgm.active()).toEqual([]);
  });

  it('cannot disable urgent low: the setting does not exist', () => {
    expect(() => d.createInput({ id: 'cgm-1', settings: { urgentLowEnabled: false } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: cgm "cgm-1" settings: (settings): Unrecognized key: "urgentLowEnabled"]`,
    );
    const cgm = activeCgm({ lowEnabled: false, urgentLowSoonEnabled: false });
    cgm.sample(50);
    expect(cgm.active()).toEqual(['glucose.urgent-low']);
  });

  it('raises high at the configured limit and low at 70 by default', () => {
    const cgm = activeCgm({ highMgDl: 180, urgentLowSoonEnabled: false });
    cgm.sample(179);
    expect(cgm.active()).toEqual([]);
    cgm.sample(181);
    expect(cgm.active()).toEqual(['glucose.high']);
    cgm.sample(70);
    expect(cgm.active()).toEqual(['glucose.low']);
  });

  it('warns of urgent low soon when the trend projects 55 mg/dL within 20 minutes', () => {
    const cgm = activeCgm({ lowEnabled: false });
    for (const v of [120, 112, 104]) cgm.sample(v); // −1.6 mg/dL/min: 104 − 32 = 72, no warning
    expect(cgm.active()).toEqual([]);
    for (const v of [96, 88, 78]) cgm.sample(v); // −1.8 mg/dL/min over the last 15 min: 78 − 36 ≤ 55
    expect(cgm.active()).toEqual(['glucose.urgent-low-soon']);
    cgm.sample(54);
    expect(cgm.active()).toEqual(['glucose.urgent-low']);
  });

  it('silences an acknowledged alarm for the snooze time, then sounds it again', () => {
    const cgm = activeCgm({ urgentLowSoonEnabled: false, snooze: '15m' });
    cgm.sample(50);
    cgm.command({ type: 'acknowledge', commandId: 'a1' });
    expect(cgm.emitted.slice(-2)).toEqual([
      { type: 'alarm.updated', code: 'glucose.urgent-low', status: 'silenced', until: 5 * MIN + 15 * MIN },
      { type: 'command.accepted', command: 'acknowledge', commandId: 'a1', detail: 'glucose.urgent-low' },
    ]);
    cgm.sample(50);
    cgm.sample(50);
    expect(cgm.emitted.filter((e) => e.type === 'alarm.updated')).toHaveLength(1);
    cgm.sample(50);
    expect(cgm.emitted.at(-1)).toEqual({ type: 'alarm.updated', code: 'glucose.urgent-low', status: 'active' });
    expect(cgm.emitted.filter((e) => e.type === 'alarm.raised')).toHaveLength(1);
  });

  it('acknowledges technical alarms without a snooze, and rejects an unknown code', () => {
    const cgm = activeCgm();
    for (let i = 0; i < 4; i++) cgm.sample(null);
    cgm.command({ type: 'acknowledge', code: 'sensor.signal-loss' });
    expect(cgm.emitted.at(-2)).toEqual({ type: 'alarm.updated', code: 'sensor.signal-loss', status: 'acknowledged' });
    cgm.command({ type: 'acknowledge', code: 'glucose.high', commandId: 'x' });
    expect(cgm.emitted.at(-1)).toEqual({
      type: 'command.rejected',
      command: 'acknowledge',
      commandId: 'x',
      code: 'alarm.not-active',
      reason: 'cannot acknowledge: alarm "glucose.high" is not present',
    });
  });
});

describe('cgm calibration', () => {
  it('shifts later readings by the offset that makes the current one equal the entered value', () => {
    const cgm = activeCgm();
    for (const v of [100, 105, 110]) cgm.sample(v);
    cgm.command({ type: 'calibrate', glucose: 100, commandId: 'k' });
    expect(cgm.emitted.at(-1)).toEqual({ type: 'command.accepted', command: 'calibrate', commandId: 'k', detail: 'offset -10.0 mg/dL' });
    expect(cgm.telemetry()).toMatchObject({ glucose: 100, trend: 'fortyFiveUp' });
    cgm.sample(115);
    expect(cgm.telemetry()).toMatchObject({ glucose: 105, trend: 'fortyFiveUp', rateOfChange: 1 });
  });

  it('rejects values outside 40–400 mg/dL and calibration without a reading', () => {
    const cgm = activeCgm();
    cgm.sample(110);
    cgm.command({ type: 'calibrate', glucose: 1000 });
    expect(cgm.emitted.at(-1)).toMatchObject({ type: 'command.rejected', code: 'value.out-of-range' });
    cgm.sample(null);
    cgm.command({ type: 'calibrate', glucose: 100 });
    expect(cgm.emitted.at(-1)).toMatchObject({ type: 'command.rejected', code: 'reading.none' });
    cgm.sample(110);
    expect(cgm.telemetry().glucose).toBe(110);
  });
});

describe('cgm descriptor', () => {
  it('publishes telemetry that passes its own schema', () => {
    const cgm = activeCgm();
    cgm.sample(48);
    const body = cgm.telemetry();
    expect(d.telemetrySchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      state: 'active',
      glucose: 48,
      display: null,
      trend: 'none',
      rateOfChange: null,
      sensorAgeMs: 48 * 60 * MIN + 5 * MIN,
      warmUpRemainingMs: null,
      alarms: ['glucose.urgent-low'],
    });
  });

  it('merges settings over the defaults and explains bad ones', () => {
    expect(d.createInput({ id: 'c', settings: { warmUp: '30m', highMgDl: 300 } }).settings).toMatchObject({
      warmUpMs: 30 * MIN,
      highMgDl: 300,
      lowMgDl: 70,
    });
    expect(() => d.createInput({ id: 'c', settings: { highMgDl: 500, warmUp: 'soon' } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: cgm "c" settings: warmUp: warmUp: expected a duration like "250ms", "30s", "5m", "2h", "1d" or "1h30m", received "soon"; highMgDl: Too big: expected number to be <=400]`,
    );
  });

  it('rejects malformed commands at the schema', () => {
    expect(d.commandSchema.safeParse({ type: 'calibrate' }).success).toBe(false);
    expect(d.commandSchema.safeParse({ type: 'self-destruct' }).success).toBe(false);
  });
});
