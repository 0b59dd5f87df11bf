import { describe, expect, it } from 'vitest';
import type { SignalValues } from '../../physiology/signals.ts';
import { applyFault, machineContext, makeAgent, makeDescriptor, risingTruth, TestPatient } from '../../../test/helpers/inject-fixtures.ts';
import { driftOffset } from './drift.ts';

const SECOND = 1000;
const MINUTE = 60_000;

/** A started agent with one sample taken (t = 1 s), glucose 120 and HR 70 unless the truth says otherwise. */
function setup(truth?: (t: number) => SignalValues) {
  const fixture = makeAgent(truth ? { patient: new TestPatient('P-001', truth) } : {});
  fixture.clock.advance(SECOND);
  const apply = (name: string, params: Record<string, unknown> = {}) => applyFault(fixture.agent, fixture.clock, fixture.log, name, params);
  const sample = () => {
    fixture.clock.advance(SECOND);
    return fixture.agent.lastMeasured;
  };
  return { ...fixture, apply, sample };
}

describe('value faults', () => {
  it('sensor.bias offsets the default (first) signal, reaches the machine, and reverts', () => {
    const { agent, apply, sample } = setup();
    expect(sample()).toEqual({ glucose: 120, hr: 70 });
    const revert = apply('sensor.bias', { offset: 15 });
    expect(sample()).toEqual({ glucose: 135, hr: 70 });
    expect(machineContext(agent).measured.glucose).toBe(135);
    revert();
    expect(sample()).toEqual({ glucose: 120, hr: 70 });
  });

  it('sensor.bias acts on the signal named', () => {
    const { apply, sample } = setup();
    apply('sensor.bias', { signal: 'hr', offset: -20 });
    expect(sample()).toEqual({ glucose: 120, hr: 50 });
  });

  it('sensor.gain scales and sensor.calibration-error maps x to factor·x + offset', () => {
    const { apply, sample } = setup();
    const gain = apply('sensor.gain', { factor: 1.5 });
    expect(sample().glucose).toBe(180);
    gain();
    apply('sensor.calibration-error', { factor: 1.1, offset: -5 });
    expect(sample().glucose).toBeCloseTo(127, 9);
  });

  it('two faults on one signal chain in the order applied, and each reverts only itself', () => {
    const { apply, sample } = setup();
    const bias = apply('sensor.bias', { offset: 10 });
    apply('sensor.gain', { factor: 2 });
    expect(sample().glucose).toBe(260);
    bias();
    expect(sample().glucose).toBe(240);
  });

  it('sensor.stuck freezes at the reading at onset, or at the value given', () => {
    const { apply, sample } = setup(risingTruth);
    const revert = apply('sensor.stuck');
    const frozen = sample().glucose;
    expect(frozen).toBeCloseTo(100 + 2 / 60, 9);
    for (let i = 0; i < 120; i++) sample();
    expect(sample().glucose).toBe(frozen);
    revert();
    expect(sample().glucose).toBeGreaterThan(frozen! + 2);
    apply('sensor.stuck', { signal: 'hr', value: 42 });
    expect(sample().hr).toBe(42);
  });

  it('sensor.stuck keeps reporting through samples that have no reading', () => {
    const { apply, sample } = setup((t) => ({ glucose: t < 10 * SECOND ? 120 : undefined, hr: 70 }));
    apply('sensor.stuck');
    sample();
    for (let i = 0; i < 10; i++) sample();
    expect(sample().glucose).toBe(120);
  });
});

describe('time-dependent faults', () => {
  it('sensor.drift (linear) grows at `rate` per hour from injection, not from the start of the run', () => {
    const { clock, apply, sample } = setup();
    clock.advance(59 * SECOND); // t = 1 min: drift must not count this minute.
    apply('sensor.drift', { rate: 12 });
    clock.advance(30 * MINUTE - SECOND);
    expect(sample().glucose).toBeCloseTo(126, 9);
  });

  it('sensor.drift (exponential) starts at slope `rate` and accelerates: rate·tau·(e^(t/tau) − 1)', () => {
    const { clock, apply, sample } = setup();
    apply('sensor.drift', { rate: 12, shape: 'exponential', tau: '1h' });
    clock.advance(60 * MINUTE - SECOND);
    expect(sample().glucose).toBeCloseTo(120 + 12 * (Math.E - 1), 9);
    expect(driftOffset(0.01, 12, 'exponential', 1)).toBeCloseTo(driftOffset(0.01, 12, 'linear', 1), 2);
    expect(driftOffset(2, 12, 'exponential', 1)).toBeGreaterThan(2 * driftOffset(1, 12, 'exponential', 1));
  });

  it('sensor.lag reports the value from `delay` ago, holding the onset reading until then', () => {
    const { clock, apply, sample } = setup(risingTruth);
    clock.advance(9 * SECOND); // t = 10 s
    const revert = apply('sensor.lag', { delay: '10m' });
    const onset = sample().glucose!;
    expect(onset).toBeCloseTo(100 + 11 / 60, 9);
    clock.advance(5 * MINUTE);
    expect(sample().glucose).toBe(onset);
    clock.advance(15 * MINUTE);
    const t = clock.now();
    expect(sample().glucose).toBeCloseTo(100 + (t + SECOND - 10 * MINUTE) / MINUTE, 9);
    revert();
    expect(sample().glucose).toBeCloseTo(100 + (t + 2 * SECOND) / MINUTE, 9);
  });

  it('cgm.compression-low ramps the reading down by `depth` over `onset` and ends at once on revert', () => {
    const { clock, apply, sample } = setup();
    const revert = apply('cgm.compression-low', { depth: 60, onset: '10m' });
    clock.advance(5 * MINUTE - SECOND);
    expect(sample().glucose).toBeCloseTo(90, 9);
    clock.advance(20 * MINUTE);
    expect(sample()).toEqual({ glucose: 60, hr: 70 });
    revert();
    expect(sample().glucose).toBe(120);
  });
});

describe('random faults (the device fault stream)', () => {
  it('sensor.noise adds zero-mean noise with the given SD, the same for the same seed', () => {
    const runOnce = () => {
      const { apply, sample } = setup();
      apply('sensor.noise', { sd: 5 });
      return Array.from({ length: 400 }, () => sample().glucose! - 120);
    };
    const errors = runOnce();
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / errors.length);
    expect(Math.abs(mean)).toBeLessThan(1);
    expect(sd).toBeGreaterThan(4.3);
    expect(sd).toBeLessThan(5.7);
    expect(runOnce()).toEqual(errors);
  });

  it('sensor.spikes adds ±magnitude on about `probability` of samples', () => {
    const { apply, sample } = setup();
    apply('sensor.spikes', { probability: 0.1, magnitude: 50 });
    const values = Array.from({ length: 1000 }, () => sample().glucose);
    expect(new Set(values)).toEqual(new Set([70, 120, 170]));
    const spikes = values.filter((v) => v !== 120).length;
    expect(spikes).toBeGreaterThan(70);
    expect(spikes).toBeLessThan(130);
  });

  it('sensor.spikes with direction up and probability 1 spikes every sample upwards', () => {
    const { apply, sample } = setup();
    apply('sensor.spikes', { probability: 1, magnitude: 30, direction: 'up' });
    expect(Array.from({ length: 20 }, () => sample().glucose)).toEqual(Array(20).fill(150));
  });

  it('sensor.dropout removes every reading by default (the machine sees null), or a fraction of them', () => {
    const { agent, apply, sample } = setup();
    const revert = apply('sensor.dropout');
    expect(sample()).toEqual({ glucose: null, hr: 70 });
    expect(machineContext(agent).measured.glucose).toBeNull();
    revert();
    expect(sample().glucose).toBe(120);
    apply('sensor.dropout', { signal: 'hr', probability: 0.3 });
    const missing = Array.from({ length: 1000 }, () => sample().hr).filter((v) => v === null).length;
    expect(missing).toBeGreaterThan(250);
    expect(missing).toBeLessThan(350);
  });
});

describe('compatibility', () => {
  it('a sensor fault needs a device that measures the signal', () => {
    const pumpLike = makeAgent({ descriptor: makeDescriptor({ kind: 'infusion-pump', measures: [] }) });
    expect(() => applyFault(pumpLike.agent, pumpLike.clock, pumpLike.log, 'sensor.bias')).toThrowErrorMatchingInlineSnapshot(
      `[Error: sensor.bias cannot apply to dev-001: infusion-pump measures no patient signal]`,
    );
    const monitorLike = makeAgent({ descriptor: makeDescriptor({ kind: 'patient-monitor', measures: ['hr', 'spo2'] }) });
    expect(() =>
      applyFault(monitorLike.agent, monitorLike.clock, monitorLike.log, 'cgm.compression-low'),
    ).toThrowErrorMatchingInlineSnapshot(
      `[Error: cgm.compression-low cannot apply to dev-001: patient-monitor does not measure glucose (it measures hr, spo2)]`,
    );
    expect(() => applyFault(monitorLike.agent, monitorLike.clock, monitorLike.log, 'sensor.noise', { signal: 'temp' })).toThrow(
      /does not measure temp/,
    );
    // The default signal is the device's first measured one.
    expect(() => applyFault(monitorLike.agent, monitorLike.clock, monitorLike.log, 'sensor.noise')).not.toThrow();
  });
});
