import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { makeAgent, makeDescriptor, type RecordingLog, TestPatient, vitalTruth } from '../../test/helpers/inject-fixtures.ts';
import { IntegrityMonitor } from '../physiology/integrity.ts';
import type { SignalValues } from '../physiology/signals.ts';
import type { DevicePhase } from './agent.ts';

/**
 * The fixtures' test device (samples every 1 s, telemetry every 5 s), started at t = 0 with the given
 * phase, keeping what it publishes (a phase with a boot delay publishes nothing before it is hooked).
 */
function startAgent(phase?: DevicePhase) {
  const { agent, clock, log } = makeAgent(phase ? { phase } : {});
  const published: { channel: string; body: unknown }[] = [];
  agent.onPublish = (channel, _seq, payload) => published.push({ channel, body: (JSON.parse(payload) as { body: unknown }).body });
  return { agent, clock, log, published };
}

/** Telemetry as [time, samples the machine had taken when it was published]. */
function telemetry(log: RecordingLog): [number, number][] {
  return log.ofType('telemetry').map((e) => [e.t, (e.data as { body: { samples: number } }).body.samples]);
}

describe('DeviceAgent sampling and telemetry', () => {
  it('publishes telemetry every telemetry period, carrying the sample taken at that same instant', () => {
    const { clock, log } = startAgent();
    clock.advanceTo(15_000);
    // Samples at 1 s, 2 s, ...: the telemetry at 5 s reports 5 of them, not the 4 before it.
    expect(telemetry(log)).toEqual([
      [5_000, 5],
      [10_000, 10],
      [15_000, 15],
    ]);
  });

  it('keeps the phase: boot delay and telemetry offset move both timers together', () => {
    const { clock, log } = startAgent({ bootMs: 300, offsetMs: 2_500 });
    clock.advanceTo(20_000);
    // Booted at 0.3 s; samples at 0.8 s, 1.8 s, ...; telemetry at 0.3 + 2.5 = 2.8 s, then every 5 s.
    expect(telemetry(log)).toEqual([
      [2_800, 3],
      [7_800, 8],
      [12_800, 13],
      [17_800, 18],
    ]);
  });

  it('refuses a telemetry period that is not a whole number of sample periods', () => {
    expect(() => makeAgent({ descriptor: { ...makeDescriptor(), telemetryPeriodMs: 2_500 } })).toThrow(
      /telemetryPeriodMs \(2500\) must be a whole multiple of samplePeriodMs \(1000\)/,
    );
  });

  it('announces the state it booted into once, not the states it passed through at that instant', () => {
    const { agent, clock, log, published } = startAgent({ bootMs: 300, offsetMs: 0 });
    clock.advanceTo(1_000);
    // The machine went '' → off → on in the boot instant: both changes are logged, one state published.
    expect(log.ofType('state.changed').map((e) => [e.t, e.data])).toEqual([
      [300, { from: '', to: 'off' }],
      [300, { from: 'off', to: 'on' }],
    ]);
    expect(published.filter((m) => m.channel === 'state')).toEqual([{ channel: 'state', body: { state: 'on' } }]);

    // A reboot is a boot: one announcement of the state it came back in, even if it is the same one.
    agent.reboot();
    expect(published.filter((m) => m.channel === 'state')).toEqual([
      { channel: 'state', body: { state: 'on' } },
      { channel: 'state', body: { state: 'on' } },
    ]);
    expect(log.ofType('device.rebooted')).toHaveLength(1);
  });
});

describe('DeviceAgent on-demand readings', () => {
  it('reads a monitor’s NIBP cuff only at a determination, through the sensor faults', () => {
    const { agent, clock } = makeAgent({
      id: 'mon-001',
      descriptor: DEVICES['patient-monitor'],
      patient: new TestPatient('P-001', vitalTruth),
      profile: { nibpIntervalMin: 5 },
    });
    clock.advanceTo(1_000);
    expect(agent.lastMeasured).toMatchObject({ hr: 72, sbp: 120, dbp: 78, map: 92 });
    const removeBias = agent.transformSignal('sbp', (v) => (v === null ? null : v + 40));
    clock.advanceTo(200_000);
    // No determination since 1 s: the cuff was not read again, and the fault has not shown.
    expect(agent.lastMeasured.sbp).toBe(120);
    clock.advanceTo(301_000);
    expect(agent.lastMeasured.sbp).toBe(160);
    expect((agent.plant as { nibp: { sbp: number; t: number } }).nibp).toMatchObject({ sbp: 160, t: 301_000 });
    removeBias();
  });
});

/** A patient whose glucose falls 1 mg/dL per second from 20: past 10 s it is impossible. */
class FallingPatient extends TestPatient {
  readonly #integrity = new IntegrityMonitor();
  #now = 0;
  constructor() {
    super('P-009', (t) => ({ glucose: 20 - t / 1000, hr: 70, spo2: 97 }));
  }
  override advanceTo(t: number): void {
    super.advanceTo(t);
    this.#now = Math.max(this.#now, t);
  }
  override truth(): SignalValues {
    const values = super.truth();
    this.#integrity.check(values, this.#now);
    return values;
  }
  takeIntegrityIssues() {
    return this.#integrity.take();
  }
}

describe('DeviceAgent physiology integrity', () => {
  it('logs an impossible true state of its patient once, as physiology.invalid from the patients', () => {
    const { clock, log } = makeAgent({ patient: new FallingPatient() });
    clock.advanceTo(30_000);
    const invalid = log.ofType('physiology.invalid');
    expect(invalid.map((e) => [e.t, e.source, e.data])).toEqual([
      [
        11_000,
        'patients',
        { patient: 'P-009', signal: 'glucose', value: 9, at: 11_000, reason: 'glucose 9 is below the physiological bound 10' },
      ],
    ]);
  });
});
