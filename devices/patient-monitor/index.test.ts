import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import { type ArtefactRates, MonitorSensor, MONITOR_SIGNALS } from '../../src/physiology/monitor-sensor.ts';
import { VitalsModel } from '../../src/physiology/vitals.ts';
import type { ClinicalEventInput } from '../../src/physiology/clinical-events.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { DeviceModel } from '../device-model.ts';
import { MonitorPlant } from './plant.ts';
import { DEFAULT_MONITOR_SETTINGS, TECHNICAL_ALARMS, monitorSettingsSchema, patientMonitor, type MonitorTelemetry } from './index.ts';

const d = patientMonitor;

/** Drives a monitor exactly as the fleet does, on a patient with the given events, for `seconds`. */
function run(
  seed: string,
  seconds: number,
  events: ClinicalEventInput[] = [],
  onSecond?: (t: number, emitted: DeviceEmitted[], telemetry: MonitorTelemetry) => void,
  artefacts?: Partial<ArtefactRates>,
) {
  const root = new Rng(seed);
  const patient = new VitalsModel(root.fork('patient'), { hr: 72, spo2: 97.5, rr: 15, temp: 36.8, sbp: 120, dbp: 75 });
  for (const e of events) patient.schedule(e);
  const sensor = new MonitorSensor(root.fork('sensor'), {}, artefacts);
  const deviceRng = root.fork('device');
  const clock = new SimClock();
  const emitted: DeviceEmitted[] = [];
  const model = new DeviceModel(d, { id: 'mon-001', firmware: '2.1.0', clock, rng: deviceRng, onEmitted: (e) => emitted.push(e) });
  model.start();
  for (let s = 1; s <= seconds; s++) {
    clock.advance(d.samplePeriodMs);
    const t = clock.now();
    patient.advanceTo(t);
    const truth = patient.truth();
    const measured = Object.fromEntries(MONITOR_SIGNALS.map((k) => [k, sensor.measure(k, truth[k])]));
    model.sample({ t, measured, conditions: {}, rng: deviceRng });
    onSecond?.(t, emitted, model.telemetry() as MonitorTelemetry);
  }
  return { model, emitted };
}

describe('patient monitor descriptor', () => {
  it('raises technical alarms, marked technical, from probe-off and ECG artefacts on a well patient', () => {
    const codes = new Map<string, string>();
    // Artefacts at 20× their default rates, so two hours show each kind several times.
    const rates = { motion: 12, probeOff: 5, leadNoise: 6 };
    const { emitted } = run('artefacts', 2 * 3600, [], undefined, rates);
    for (const e of emitted) {
      if (e.type !== 'alarm.raised') continue;
      const alarm = (e as unknown as { alarm: { code: string; category: string } }).alarm;
      codes.set(alarm.code, alarm.category);
    }
    expect(codes.get('spo2.signal-loss')).toBe('technical');
    expect(codes.get('ecg.signal-loss')).toBe('technical');
    // Motion artefact and ECG noise counted as beats: limit alarms on a patient who is well.
    expect(codes.has('spo2.low')).toBe(true);
    expect(codes.get('spo2.low')).not.toBe('technical');
    const clean = run('artefacts', 2 * 3600).emitted.filter((e) => e.type === 'alarm.raised');
    expect(clean.length).toBeLessThan(emitted.filter((e) => e.type === 'alarm.raised').length / 4);
  });

  it('boots into monitoring, measures at 1 Hz and reports valid telemetry', () => {
    const { model } = run('boot', 5);
    const telemetry = model.telemetry() as MonitorTelemetry;
    expect(model.stateLabel).toBe('monitoring');
    expect(d.telemetrySchema.parse(telemetry)).toEqual(telemetry);
    expect(telemetry.hr).toBeGreaterThan(50);
    expect(telemetry.nibp?.t).toBe(1000);
    expect(model.snapshot.context.firmware).toBe('2.1.0');
    expect([d.samplePeriodMs, d.telemetryPeriodMs, d.measures]).toEqual([1000, 1000, ['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map']]);
  });

  it('boots into standby when the profile says so', () => {
    const model = new DeviceModel(d, {
      id: 'm',
      clock: new SimClock(),
      rng: new Rng('standby'),
      profile: { monitoring: false, nibpIntervalMin: 5 },
    });
    model.start();
    expect(model.stateLabel).toBe('standby');
    expect(model.snapshot.context.settings.nibpIntervalMs).toBe(300_000);
  });

  it('raises a high-priority SpO2 alarm for a desaturation, latched until acknowledged after recovery', () => {
    let raisedAt: number | undefined;
    const { model, emitted } = run('desat', 600, [{ type: 'desaturation', at: '2m', onset: '30s', duration: '2m', spo2: 78 }], (t, e) => {
      raisedAt ??= e.some((x) => x.type === 'alarm.raised' && x.alarm.code === 'spo2.low' && x.alarm.priority === 'high') ? t : undefined;
    });
    // Crit limit 85 % is crossed during the 30 s onset; +5 s persistence; sensor error may shift it a little.
    expect(raisedAt).toBeGreaterThan(120_000);
    expect(raisedAt).toBeLessThan(165_000);
    expect(emitted.some((e) => e.type === 'alarm.cleared' && e.code === 'spo2.low')).toBe(false);
    expect(model.activeAlarms.find((a) => a.code === 'spo2.low')?.priority).toBe('high');
    expect((model.telemetry() as MonitorTelemetry).spo2).toBeGreaterThan(90);
    model.command(d.commandSchema.parse({ type: 'acknowledge', code: 'spo2.low' }));
    expect(emitted.at(-1)).toEqual({ type: 'alarm.cleared', code: 'spo2.low' });
  });

  it('raises no high-priority alarm on a stable patient over an hour, and is deterministic', () => {
    const a = run('stable', 3600).emitted;
    expect(a.filter((e) => e.type === 'alarm.raised' && e.alarm.priority === 'high')).toEqual([]);
    expect(run('stable', 3600).emitted).toEqual(a);
  });

  it('repeats its telemetry second by second for the same seed, and not for another', () => {
    const series = (seed: string) => {
      const out: MonitorTelemetry[] = [];
      run(seed, 900, [{ type: 'tachycardia', at: '3m', duration: '5m', hr: 155 }], (_t, _e, telemetry) => out.push(telemetry));
      return out;
    };
    const a = series('repeat');
    expect(a.some((t) => t.alarms.includes('hr.high'))).toBe(true);
    expect(series('repeat')).toEqual(a);
    expect(series('other').map((t) => t.hr)).not.toEqual(a.map((t) => t.hr));
  });
});

describe('patient monitor settings', () => {
  it('defaults when a scenario gives none and merges a partial override', () => {
    expect(d.settingsSchema.parse(undefined)).toEqual(DEFAULT_MONITOR_SETTINGS);
    const merged = monitorSettingsSchema.parse({
      limits: { hr: { warn: { high: 120 } }, sbp: { warn: { high: null } } },
      nibpIntervalMs: '5m',
      alarmDelayMs: '10s',
    });
    expect(merged).toMatchObject({ nibpIntervalMs: 300_000, alarmDelayMs: 10_000, silenceMs: 120_000 });
    expect(merged.limits.hr).toEqual({ warn: { low: 40, high: 120 }, crit: { low: 20, high: 160 } });
    expect(merged.limits.sbp.warn).toEqual({ low: 90, high: null });
    expect(merged.limits.spo2).toEqual(DEFAULT_MONITOR_SETTINGS.limits.spo2);
    // Parsing resolved settings again changes nothing (createInput accepts either).
    expect(d.settingsSchema.parse(merged)).toEqual(merged);
  });

  it('reports every problem in a bad override', () => {
    const result = d.settingsSchema.safeParse({ alarmDelayMs: 'soon', limits: { hr: { crit: { high: 130 } } }, nibpInterval: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toMatchInlineSnapshot(`
      [
        "alarmDelayMs: duration: expected a duration like "250ms", "30s", "5m", "2h", "1d" or "1h30m", received "soon"",
        ": Unrecognized key: "nibpInterval"",
      ]
    `);
  });
});

describe('patient monitor commands', () => {
  it('parses each command and maps it to a machine event', () => {
    const parse = (body: unknown) => d.commandEvent(d.commandSchema.parse(body), { t: 4000, plant: new MonitorPlant() });
    expect(parse({ type: 'silence', duration: '90s', commandId: 'c7' })).toEqual({
      type: 'alarm.silence',
      durationMs: 90_000,
      t: 4000,
      commandId: 'c7',
    });
    expect(parse({ type: 'nibp.interval', minutes: 5 })).toMatchObject({ type: 'nibp.interval.set', intervalMs: 300_000 });
    expect(parse({ type: 'limits.set', parameter: 'spo2', level: 'warn', low: 92 })).toMatchObject({
      type: 'limits.set',
      parameter: 'spo2',
      low: 92,
    });
    expect(d.commandSchema.safeParse({ type: 'limits.set', parameter: 'hr', level: 'warn' }).error?.issues[0]?.message).toBe(
      'limits.set needs low or high: a number to set the limit, or null to remove it',
    );
    expect(d.commandSchema.safeParse({ type: 'limits.set', parameter: 'glucose', level: 'warn', low: 1 }).success).toBe(false);
    expect(d.commandSchema.safeParse({ type: 'reboot' }).success).toBe(false);
  });

  it('documents every technical alarm and hardware condition', () => {
    const documented = d.docs.alarms.map((a) => a.name);
    for (const code of Object.keys(TECHNICAL_ALARMS)) expect(documented).toContain(code);
    expect(documented).toContain('hr.high');
    expect(d.conditions.map((c) => c.name)).toEqual(['ecg.lead-off', 'spo2.probe-off', 'nibp.cuff-error']);
  });
});
