import type { RunResult, SeriesSet, StudyResult } from '../../src/scenario/result.ts';

/**
 * A realistic synthetic RunResult (three devices, a CGM with a sensor-drift window and a telemetry
 * gap, vitals, alarms of every priority) for reporter tests and for previewing reports without a
 * broker. Deterministic: the "noise" is a fixed function of time.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const DURATION = 6 * HOUR;
const DRIFT = { from: 2 * HOUR, to: 4 * HOUR };
const GAP = { from: 4 * HOUR + 40 * MIN, to: 5 * HOUR + 10 * MIN };

const wobble = (t: number, k: number) => Math.sin(t / (7 * MIN) + k) * 0.6 + Math.sin(t / (2.3 * MIN) + 2 * k) * 0.4;
const round1 = (n: number) => Math.round(n * 10) / 10;

function cgmSeries(): SeriesSet {
  const points: SeriesSet['points'] = [];
  for (let t = 0; t <= DURATION; t += 5 * MIN) {
    // A meal excursion after 1 h, settling back towards 110 mg/dL.
    const truth = 110 + 70 * Math.exp(-(((t - 2.5 * HOUR) / (1.1 * HOUR)) ** 2)) - 25 * Math.exp(-(((t - 5.2 * HOUR) / (0.5 * HOUR)) ** 2));
    const drift = t >= DRIFT.from && t < DRIFT.to ? ((t - DRIFT.from) / (DRIFT.to - DRIFT.from)) * 0.25 * truth : 0;
    const measured = t >= GAP.from && t < GAP.to ? null : round1(truth + drift + 4 * wobble(t, 1));
    points.push([t, measured, round1(truth)]);
  }
  return {
    device: 'cgm-01',
    signal: 'glucose',
    unit: 'mg/dL',
    points,
    faults: [
      { fault: 'sensor.drift', from: DRIFT.from, to: DRIFT.to },
      { fault: 'net.down', from: GAP.from, to: GAP.to },
    ],
  };
}

function vitalSeries(signal: string, unit: string, base: number, spread: number, dip?: { at: number; depth: number }): SeriesSet {
  const points: SeriesSet['points'] = [];
  for (let t = 0; t <= DURATION; t += 2 * MIN) {
    const dipping = dip ? dip.depth * Math.exp(-(((t - dip.at) / (12 * MIN)) ** 2)) : 0;
    const truth = base - dipping + spread * 0.5 * Math.sin(t / (40 * MIN));
    points.push([t, round1(truth + spread * 0.3 * wobble(t, 3)), round1(truth)]);
  }
  return { device: 'mon-01', signal, unit, points, faults: [] };
}

export function sampleRunResult(): RunResult {
  return {
    scenario: {
      name: 'icu-sensor-drift',
      description: 'A CGM drifts high for two hours while a pump occludes; the twin and alarms must notice.',
      tags: ['cgm', 'fault'],
      file: 'scenarios/icu-sensor-drift.yaml',
      durationMs: DURATION,
    },
    seed: '42',
    mode: 'fast',
    durationMs: DURATION,
    simulatedMs: DURATION,
    wallMs: 4_210,
    digest: '9f2c4b1e8a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615e4d3',
    events: 18_432,
    ok: false,
    broker: { url: 'mqtt://127.0.0.1:41883', placement: 'embedded', links: 'in-thread' },
    delivery: { published: 2_190, deliveredToTwin: 2_187, lost: 0, sequenceGaps: 3, duplicates: 0, settleTimeouts: 0 },
    devices: [
      {
        id: 'pump-01',
        kind: 'infusion-pump',
        zone: 'icu',
        bed: 'bed-01',
        patientId: 'p-01',
        firmware: '3.2.1',
        finalState: 'alarming.occlusion',
        published: 720,
        deliveredToTwin: 720,
        missing: 0,
        alarmsRaised: 1,
        commandsReceived: 2,
        commandsRejected: 0,
        clinical: { doseErrorPct: 4.2 },
      },
      {
        id: 'mon-01',
        kind: 'patient-monitor',
        zone: 'icu',
        bed: 'bed-01',
        patientId: 'p-01',
        firmware: '1.8.0',
        finalState: 'monitoring',
        published: 1_398,
        deliveredToTwin: 1_398,
        missing: 0,
        alarmsRaised: 2,
        commandsReceived: 0,
        commandsRejected: 0,
        accuracy: { hrMae: 1.4, spo2Mae: 0.9 },
      },
      {
        id: 'cgm-01',
        kind: 'cgm',
        zone: 'icu',
        bed: 'bed-01',
        patientId: 'p-01',
        firmware: '2.0.4',
        finalState: 'session.active',
        published: 72,
        deliveredToTwin: 69,
        missing: 3,
        alarmsRaised: 2,
        commandsReceived: 1,
        commandsRejected: 1,
        accuracy: { mard: 12.4, clarkeA: 81.9 },
        clinical: { tir: 88.6, tbr70: 1.2 },
      },
    ],
    alarms: {
      total: 5,
      byPriority: { high: 2, medium: 2, low: 1 },
      byCode: { 'glucose.high': 1, 'spo2.low': 1, 'occlusion.downstream': 1, 'hr.high': 1, 'battery.low': 1 },
      first: [
        {
          id: 3_101,
          t: 2 * HOUR + 55 * MIN,
          device: 'cgm-01',
          code: 'glucose.high',
          priority: 'medium',
          message: 'Glucose above 180 mg/dL',
          limit: 180,
        },
        {
          id: 4_420,
          t: 3 * HOUR + 30 * MIN,
          device: 'mon-01',
          code: 'spo2.low',
          priority: 'medium',
          message: 'SpO2 below 90 %',
          parameter: 'spo2',
          limit: 90,
        },
        {
          id: 5_210,
          t: 4 * HOUR + 28 * MIN,
          device: 'pump-01',
          code: 'occlusion.downstream',
          priority: 'high',
          message: 'Downstream occlusion',
        },
        {
          id: 5_305,
          t: 4 * HOUR + 31 * MIN,
          device: 'mon-01',
          code: 'hr.high',
          priority: 'high',
          message: 'Heart rate above 140 bpm',
          parameter: 'hr',
          limit: 140,
        },
        {
          id: 6_002,
          t: 5 * HOUR + 12 * MIN,
          device: 'cgm-01',
          code: 'battery.low',
          priority: 'low',
          message: 'Receiver battery low',
          suppressed: true,
        },
      ],
    },
    twin: { stale: ['cgm-01'], diverged: [], staleEvents: 2, divergedEvents: 1 },
    injections: [
      {
        eventId: 2_001,
        id: 'drift',
        fault: 'sensor.drift',
        category: 'sensor',
        device: 'cgm-01',
        at: DRIFT.from,
        until: DRIFT.to,
        params: { ratePerHour: 0.125 },
      },
      {
        eventId: 5_190,
        id: 'occlude',
        fault: 'pump.occlusion',
        category: 'device',
        device: 'pump-01',
        at: 4 * HOUR + 25 * MIN,
        until: null,
        params: { side: 'downstream' },
      },
      { eventId: 5_600, id: 'blackout', fault: 'net.down', category: 'network', device: 'cgm-01', at: GAP.from, until: GAP.to, params: {} },
    ],
    expectations: [
      {
        name: 'occlusion alarm within 5 min',
        type: 'alarm.latency',
        passed: true,
        measured: 180_000,
        threshold: '<= 300000 ms',
        message: 'pump-01 raised occlusion.downstream 3m after the occlusion',
        evidence: [5_190, 5_210],
      },
      {
        name: 'cgm accuracy',
        type: 'accuracy.mard',
        passed: false,
        measured: 12.4,
        threshold: '<= 10 %',
        message: 'cgm-01 MARD 12.4 % exceeds 10 % (sensor drift not detected)',
        evidence: [2_001, 3_101],
      },
      {
        name: 'twin notices the blackout',
        type: 'twin.stale',
        passed: true,
        measured: 1,
        threshold: '>= 1',
        message: 'the twin marked cgm-01 stale 15m into the blackout',
        evidence: [5_600, 5_731],
      },
    ],
    series: [
      cgmSeries(),
      vitalSeries('hr', 'bpm', 82, 10, { at: 4.55 * HOUR, depth: -45 }),
      vitalSeries('spo2', '%', 97, 2, { at: 3.5 * HOUR, depth: 8 }),
    ],
  };
}

/** A study of ten seeds of the sample scenario, two of them failing. */
export function sampleStudyResult(): StudyResult {
  const seeds = Array.from({ length: 10 }, (_, i) => String(i + 1));
  const failing = new Set(['4', '9']);
  return {
    scenario: sampleRunResult().scenario,
    seeds,
    passRate: 0.8,
    ok: false,
    wallMs: 41_000,
    runs: seeds.map((seed) => ({
      seed,
      ok: !failing.has(seed),
      digest: `${seed.padStart(2, '0')}${'ab'.repeat(31)}`,
      wallMs: 4_100,
      failed: failing.has(seed) ? ['cgm accuracy'] : [],
    })),
    expectations: [
      {
        name: 'occlusion alarm within 5 min',
        type: 'detection',
        passRate: 1,
        threshold: 'sensitivity >= 1.00 within 5m',
        measured: { n: 10, min: 1, p50: 1, p95: 1, max: 1, mean: 1 },
        values: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        figures: { latencyP50Ms: { n: 10, min: 120_000, p50: 180_000, p95: 240_000, max: 250_000, mean: 181_000 } },
      },
      {
        name: 'cgm accuracy',
        type: 'accuracy.mard',
        passRate: 0.8,
        threshold: '<= 10 %',
        measured: { n: 10, min: 7.9, p50: 9.1, p95: 12.6, max: 12.9, mean: 9.6 },
        values: [8.1, 8.8, 9.1, 12.6, 7.9, 9.15, 9.4, 9.55, 12.9, 8.5],
      },
    ],
    replay: ['medtwin run scenarios/icu-sensor-drift.yaml --seed 4', 'medtwin run scenarios/icu-sensor-drift.yaml --seed 9'],
  };
}
