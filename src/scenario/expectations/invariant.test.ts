import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../core/event-log.ts';
import { InputError } from '../../core/errors.ts';
import { DeliveryLedger } from '../../net/delivery-ledger.ts';
import { expectationSchema } from '../schema.ts';
import { createJudges, INVARIANT_NAMES } from './index.ts';
import { ev, icuFleet, idOf, stream } from '../../../test/helpers/expectation-fixtures.ts';

const fleetPlan = icuFleet(2);
const MIN = 60_000;

function judge(invariant: string, params: Record<string, unknown> = {}, target?: Record<string, unknown>) {
  const raw = expectationSchema.parse({ type: 'invariant', name: invariant, invariant, params, ...(target ? { target } : {}) });
  return createJudges([raw], { fleetPlan, plan: { seed: 1 } })[0]!;
}

/** Pump telemetry every 5 s over [from, to). */
function pumpTelemetry(device: string, from: number, to: number, state: string, delivered: number, drug = 'heparin'): SimEvent[] {
  const out: SimEvent[] = [];
  for (let t = from; t < to; t += 5000) out.push(ev.pump(t, device, state, 10, delivered, drug));
  return out;
}

describe('no-infusion-while-occluded', () => {
  const scenario = [
    ev.state(0, 'pump-001', '', 'infusing'),
    ev.state(0, 'pump-002', '', 'infusing'),
    // pump-001 holds 3 s after its line closes: fine.
    ev.injected(60_000, 'occl', 'device.occlusion-downstream', 'pump-001'),
    ev.state(63_000, 'pump-001', 'infusing', 'hold'),
    // pump-002 keeps pumping for 20 s.
    ev.injected(60_000, 'occl', 'device.occlusion-downstream', 'pump-002'),
    ...pumpTelemetry('pump-002', 60_000, 80_000, 'infusing', 0),
    ev.state(80_000, 'pump-002', 'infusing', 'hold'),
  ];

  it('flags a pump still infusing past the bound, with the injection and the first late event as evidence', () => {
    const j = judge('no-infusion-while-occluded');
    const events = stream(scenario, [j]);
    const verdict = j.finish({ simulatedMs: 2 * MIN });
    expect(verdict).toMatchObject({ passed: false, measured: 1, threshold: '0 violations' });
    expect(verdict.message).toBe(
      'no-infusion-while-occluded violated 1 time on 6 devices: pump-002 kept infusing into a blocked line from 00:01:00 for over 5s',
    );
    const start = idOf(events, (e) => e.type === 'fault.injected' && e.data.device === 'pump-002');
    const late = idOf(events, (e) => e.source === 'pump-002' && e.type === 'telemetry' && e.t === 70_000); // 65 s is exactly 5 s: not yet longer
    expect(verdict.evidence).toEqual([start, late]);
  });

  it('holds with a larger bound, and for an occlusion cleared quickly', () => {
    const lenient = judge('no-infusion-while-occluded', { maxMs: '30s' });
    const brief = judge('no-infusion-while-occluded');
    stream(scenario, [lenient]);
    stream(
      [
        ev.state(0, 'pump-001', '', 'infusing'),
        ev.injected(MIN, 'o', 'device.occlusion-downstream', 'pump-001'),
        ev.reverted(MIN + 3000, 'o', 'device.occlusion-downstream', 'pump-001'),
        ev.other(2 * MIN, 'runner', 'tick'),
      ],
      [brief],
    );
    expect(lenient.finish({ simulatedMs: 2 * MIN })).toMatchObject({ passed: true, measured: 0 });
    expect(lenient.finish({ simulatedMs: 2 * MIN }).message).toBe(
      'no-infusion-while-occluded held on 6 devices: no pump infuses with a downstream occlusion for over 30s',
    );
    expect(brief.finish({ simulatedMs: 2 * MIN }).passed).toBe(true);
  });

  it('catches a breach still open when the run ends', () => {
    const j = judge('no-infusion-while-occluded');
    const events = stream([ev.state(0, 'pump-001', '', 'infusing'), ev.injected(MIN, 'o', 'device.occlusion-downstream', 'pump-001')], [j]);
    expect(j.finish({ simulatedMs: 2 * MIN }).evidence).toEqual([events[1]!.id]);
  });
});

describe('no-insulin-while-low', () => {
  /** P-001 low from 0 (readings 65, 62, 60, 58, 60...), pump-001 basal insulin throughout. */
  function lowPatient(pumpDelivers: number, reading = (t: number) => 65 - t / MIN / 5, truth = reading): SimEvent[] {
    const out: SimEvent[] = [];
    for (let t = 0; t <= 30 * MIN; t += 5 * MIN) out.push(ev.cgm(t, 'cgm-001', reading(t), truth(t)));
    for (let t = 0; t <= 30 * MIN; t += MIN) out.push(ev.pump(t + 1000, 'pump-001', 'infusing', 1, pumpDelivers, 'insulin'));
    // P-002 dips for 10 minutes only.
    out.push(ev.cgm(0, 'cgm-002', 65, 65), ev.cgm(10 * MIN, 'cgm-002', 90, 90));
    for (let t = 0; t <= 30 * MIN; t += MIN) out.push(ev.pump(t + 1000, 'pump-002', 'infusing', 1, 1, 'insulin'));
    return out;
  }

  it('flags insulin delivered after glucose has been low longer than maxMs', () => {
    const j = judge('no-insulin-while-low');
    const events = stream(lowPatient(1), [j]);
    const verdict = j.finish({ simulatedMs: 30 * MIN });
    expect(verdict.measured).toBe(1);
    const lowStart = idOf(events, (e) => e.source === 'cgm-001' && e.t === 0);
    const firstInsulin = idOf(events, (e) => e.source === 'pump-001' && e.t === 1000);
    const seen = idOf(events, (e) => e.source === 'pump-001' && e.t === 15 * MIN + 1000);
    expect(verdict.evidence).toEqual([lowStart, firstInsulin, seen]);
    expect(verdict.message).toContain('pump-001 delivered insulin to P-001, below 70 mg/dL since 00:00:00, for over 15m');
  });

  it('holds when the pump is suspended, and judges on the truth when asked', () => {
    const suspended = judge('no-insulin-while-low');
    stream(lowPatient(0), [suspended]);
    expect(suspended.finish({ simulatedMs: 30 * MIN }).passed).toBe(true);

    // The CGM reads 80 while the patient is really at 60: only a truth-based check sees it.
    const onReading = judge('no-insulin-while-low');
    const onTruth = judge('no-insulin-while-low', { source: 'truth' });
    const hidden = lowPatient(
      1,
      () => 80,
      () => 60,
    );
    stream(hidden, [onReading, onTruth]);
    expect(onReading.finish({ simulatedMs: 30 * MIN }).passed).toBe(true);
    expect(onTruth.finish({ simulatedMs: 30 * MIN }).passed).toBe(false);
  });
});

describe('alarm-announced', () => {
  const events = [
    ev.alarm(MIN, 'mon-001', 'spo2.low', 'high', { suppressed: true }),
    ev.alarm(2 * MIN, 'mon-001', 'hr.high', 'medium', { suppressed: true }),
    ev.alarm(3 * MIN, 'mon-002', 'spo2.low', 'high'),
  ];

  it('flags each suppressed alarm of the priority', () => {
    const high = judge('alarm-announced');
    const medium = judge('alarm-announced', { priority: 'medium' });
    const sealed = stream(events, [high, medium]);
    expect(high.finish()).toMatchObject({ passed: false, measured: 1, evidence: [sealed[0]!.id] });
    expect(high.finish().message).toContain('spo2.low (high) on mon-001 at 00:01:00 was suppressed');
    expect(medium.finish()).toMatchObject({ passed: false, evidence: [sealed[1]!.id] });
  });

  it('only looks at the target devices', () => {
    const j = judge('alarm-announced', {}, { device: 'mon-002' });
    stream(events, [j]);
    expect(j.finish()).toMatchObject({ passed: true, measured: 0 });
  });
});

describe('no-alarm-lost', () => {
  // mon-001 sends three alarms: the first arrives, a fault drops the second, the third is still on its
  // way; mon-002's waits in its offline buffer; pump-001's was suppressed (never sent).
  const events = [
    ev.alarm(MIN, 'mon-001', 'spo2.low', 'high', { seq: 1 }),
    ev.alarm(2 * MIN, 'mon-001', 'hr.high', 'high', { seq: 2 }),
    ev.alarm(3 * MIN, 'mon-001', 'rr.high', 'medium', { seq: 3 }),
    ev.alarm(3 * MIN, 'mon-002', 'spo2.low', 'high', { seq: 1 }),
    ev.alarm(4 * MIN, 'pump-001', 'occlusion.downstream', 'high', { suppressed: true }),
  ];
  function ledger(): DeliveryLedger {
    const l = new DeliveryLedger();
    for (const seq of [1, 2, 3]) l.published('mon-001', 'alarm', seq, seq * MIN);
    l.delivered('mon-001', 'alarm', 1, MIN);
    l.lost('mon-001', 'alarm', 2, 'network:dropped');
    l.published('mon-002', 'alarm', 1, 3 * MIN);
    l.held('mon-002', 'alarm', 1);
    return l;
  }

  it('flags each alarm the ledger does not show delivered, saying where it stands', () => {
    const j = judge('no-alarm-lost');
    const sealed = stream(events, [j]);
    const verdict = j.finish({ simulatedMs: 10 * MIN, ledger: ledger() });
    expect(verdict).toMatchObject({ passed: false, measured: 3, evidence: [sealed[1]!.id, sealed[2]!.id, sealed[3]!.id] });
    expect(verdict.message).toBe(
      "no-alarm-lost violated 3 times on 6 devices: hr.high raised on mon-001 at 00:02:00: lost (network:dropped), rr.high raised on mon-001 at 00:03:00: still on its way at the end of the run, spo2.low raised on mon-002 at 00:03:00: still in the device's offline buffer at the end of the run",
    );
  });

  it('judged live, counts only what is lost already; filters by priority; holds once everything arrived', () => {
    const live = judge('no-alarm-lost');
    const medium = judge('no-alarm-lost', { priority: 'medium' });
    const later = judge('no-alarm-lost');
    stream(events, [live, medium, later]);
    expect(live.finish({ simulatedMs: 5 * MIN, ledger: ledger(), live: true })).toMatchObject({ passed: false, measured: 1 });
    expect(medium.finish({ simulatedMs: 10 * MIN, ledger: ledger() })).toMatchObject({ passed: false, measured: 1 });
    // The device came back: its buffer sent, the one in flight arrived, the dropped one sent again is late.
    const l = ledger();
    l.released('mon-002', 'alarm', 1, 6 * MIN);
    l.delivered('mon-002', 'alarm', 1, 6 * MIN);
    l.delivered('mon-001', 'alarm', 3, 3 * MIN);
    l.delivered('mon-001', 'alarm', 2, 7 * MIN);
    expect(later.finish({ simulatedMs: 10 * MIN, ledger: l })).toMatchObject({ passed: true, measured: 0 });
  });

  it('fails, saying so, when the run gave no ledger to check against', () => {
    const j = judge('no-alarm-lost', {}, { device: 'mon-002' });
    stream(events, [j]);
    expect(j.finish({ simulatedMs: 10 * MIN }).message).toContain('not checked: the run gave no delivery ledger');
  });
});

describe('no-stale-devices', () => {
  const events = [
    ev.twin(10 * MIN, 'twin.stale', 'mon-001'),
    ev.other(10 * MIN + 500, 'mon-002', 'telemetry', { seq: 1, body: {}, truth: {} }),
    ev.twin(11 * MIN, 'twin.fresh', 'mon-001'),
  ];

  it('holds within the bound, is breached beyond it', () => {
    const lenient = judge('no-stale-devices', { maxMs: '5m' });
    const strict = judge('no-stale-devices');
    const sealed = stream(events, [lenient, strict]);
    expect(lenient.finish({ simulatedMs: 20 * MIN }).passed).toBe(true);
    expect(strict.finish({ simulatedMs: 20 * MIN })).toMatchObject({
      passed: false,
      measured: 1,
      evidence: [sealed[0]!.id, sealed[1]!.id],
    });
  });
});

describe('physiology-valid', () => {
  const invalid = (t: number, patient: string) =>
    ev.other(t, 'patients', 'physiology.invalid', {
      patient,
      signal: 'glucose',
      value: 4.2,
      at: t - 30_000,
      reason: 'glucose 4.2 is below the physiological bound 10',
    });

  it('holds on a run without physiology.invalid events', () => {
    const j = judge('physiology-valid');
    stream([ev.other(MIN, 'mon-001', 'telemetry', { seq: 1, body: {}, truth: {} })], [j]);
    expect(j.finish({ simulatedMs: 2 * MIN })).toMatchObject({ passed: true, measured: 0 });
  });

  it('counts each impossible state of a selected device’s patient, with the event as evidence', () => {
    const all = judge('physiology-valid');
    const other = judge('physiology-valid', {}, { device: 'mon-002' });
    const sealed = stream([invalid(MIN, 'P-001'), invalid(3 * MIN, 'P-001')], [all, other]);
    const verdict = all.finish({ simulatedMs: 5 * MIN });
    expect(verdict).toMatchObject({ passed: false, measured: 2, evidence: [sealed[0]!.id, sealed[1]!.id] });
    expect(verdict.message).toContain('P-001 at 00:00:30: glucose 4.2 is below the physiological bound 10');
    // P-001 is bed 1's patient; mon-002 watches P-002.
    expect(other.finish({ simulatedMs: 5 * MIN }).passed).toBe(true);
  });
});

describe('invariant judge setup', () => {
  it('rejects unknown invariants and bad params with the fix in the message', () => {
    expect(() => judge('no-stale-device')).toThrow(/unknown invariant "no-stale-device" — did you mean "no-stale-devices"\?/);
    expect(() => judge('no-stale-devices', { maxMs: 'soon' })).toThrow(InputError);
    expect(() => judge('alarm-announced', { priority: 'urgent' })).toThrow(/params of invariant "alarm-announced": priority:/);
    expect(() => judge('no-stale-devices', { maxMS: 5 })).toThrow(/maxMS|unrecognized/i);
  });

  it('fails when the target matches no device', () => {
    const j = judge('no-stale-devices', {}, { kind: 'ventilator' });
    expect(j.finish().passed).toBe(false);
  });

  it('exports the invariant names for the loader', () => {
    expect(INVARIANT_NAMES).toEqual([
      'no-infusion-while-occluded',
      'no-insulin-while-low',
      'alarm-announced',
      'no-alarm-lost',
      'no-stale-devices',
      'physiology-valid',
    ]);
  });
});
