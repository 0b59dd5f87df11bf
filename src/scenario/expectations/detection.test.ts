import { describe, expect, it } from 'vitest';
import { expectationSchema } from '../schema.ts';
import { createJudges } from './index.ts';
import { ev, icuFleet, idOf, stream } from '../../../test/helpers/expectation-fixtures.ts';

const fleetPlan = icuFleet(4);
const MIN = 60_000;

function judge(raw: Record<string, unknown>) {
  const [j] = createJudges([expectationSchema.parse(raw)], { fleetPlan, plan: { seed: 1 } });
  return j!;
}

const occlusionDetection = {
  type: 'detection',
  name: 'occlusion alarm',
  of: 'occlusion-1',
  expect: { alarm: 'occlusion.downstream' },
  within: '5m',
};

describe('detection judge', () => {
  it('passes when the alarm follows the injection on the same device in time, with the injection and alarm as evidence', () => {
    const j = judge(occlusionDetection);
    const events = stream(
      [
        ev.runStarted(30 * MIN),
        ev.alarm(2 * MIN, 'pump-003', 'occlusion.downstream'), // before the fault: not an answer
        ev.injected(10 * MIN, 'occlusion-1', 'device.occlusion-downstream', 'pump-003'),
        ev.alarm(10 * MIN + 30_000, 'pump-001', 'occlusion.downstream'), // another device
        ev.alarm(10 * MIN + 134_000, 'pump-003', 'occlusion.downstream'),
        ev.runFinished(30 * MIN),
      ],
      [j],
    );
    const verdict = j.finish({ simulatedMs: 30 * MIN });
    expect(verdict.passed).toBe(true);
    expect(verdict.measured).toBe(1);
    expect(verdict.threshold).toBe('sensitivity >= 1.00 within 5m');
    expect(verdict.message).toBe(
      'occlusion.downstream raised on pump-003 2m14s after occlusion-1 (within 5m): 1/1 detected, sensitivity 1.00 ≥ 1.00',
    );
    const injection = idOf(events, (e) => e.type === 'fault.injected');
    const alarm = idOf(events, (e) => e.type === 'alarm.raised' && e.source === 'pump-003' && e.t > 10 * MIN);
    expect(verdict.evidence).toEqual([injection, alarm]);
  });

  it('takes any alarm of a list as the answer', () => {
    const j = judge({ ...occlusionDetection, expect: { alarm: ['occlusion.upstream', 'occlusion.downstream'] } });
    stream(
      [
        ev.runStarted(30 * MIN),
        ev.injected(10 * MIN, 'occlusion-1', 'device.occlusion-downstream', 'pump-003'),
        ev.alarm(10 * MIN + 5_000, 'pump-003', 'air-in-line'), // not in the list
        ev.alarm(10 * MIN + 60_000, 'pump-003', 'occlusion.upstream'),
        ev.runFinished(30 * MIN),
      ],
      [j],
    );
    const verdict = j.finish({ simulatedMs: 30 * MIN });
    expect(verdict.passed).toBe(true);
    expect(verdict.message).toBe(
      'occlusion.upstream or occlusion.downstream raised on pump-003 1m after occlusion-1 (within 5m): 1/1 detected, sensitivity 1.00 ≥ 1.00',
    );
  });

  it('counts late, suppressed and absent alarms as misses and judges sensitivity against minSensitivity', () => {
    const scenario = [
      ev.runStarted(60 * MIN),
      ...['pump-001', 'pump-002', 'pump-003', 'pump-004'].map((d) => ev.injected(MIN, 'occl', 'device.occlusion-downstream', d)),
      ev.alarm(MIN + 10_000, 'pump-001', 'occlusion.downstream'),
      ev.alarm(MIN + 90_000, 'pump-002', 'occlusion.downstream'),
      ev.alarm(MIN + 6 * MIN, 'pump-003', 'occlusion.downstream'), // too late
      ev.alarm(MIN + 20_000, 'pump-004', 'occlusion.downstream', 'high', { suppressed: true }), // never announced
      ev.runFinished(60 * MIN),
    ];
    const byFault = { ...occlusionDetection, of: 'device.occlusion-downstream' };
    const strict = judge(byFault);
    const lenient = judge({ ...byFault, minSensitivity: 0.5 });
    const events = stream(scenario, [strict, lenient]);

    const failed = strict.finish({ simulatedMs: 60 * MIN });
    expect(failed.passed).toBe(false);
    expect(failed.measured).toBe(0.5);
    expect(failed.message).toBe(
      'occlusion.downstream raised after device.occlusion-downstream (within 5m), latency p50 10s, max 1m30s: 2/4 detected, sensitivity 0.50 < 1.00; missed on pump-003 at 00:01:00, pump-004 at 00:01:00',
    );
    const missed = events
      .filter((e) => e.type === 'fault.injected' && (e.data.device === 'pump-003' || e.data.device === 'pump-004'))
      .map((e) => e.id);
    for (const id of missed) expect(failed.evidence).toContain(id);

    const passed = lenient.finish({ simulatedMs: 60 * MIN });
    expect(passed.passed).toBe(true);
    expect(passed.evidence).toHaveLength(6); // four injections, two detections
  });

  it('accepts the twin flag or any event about the device as the signal', () => {
    const stale = judge({ type: 'detection', name: 'hang seen', of: 'hang', expect: { twin: 'stale' }, within: '1m' });
    const ids = judge({ type: 'detection', name: 'ids', of: 'hang', expect: { event: 'ids.alert' }, within: '5m' });
    stream(
      [
        ev.injected(MIN, 'hang', 'device.firmware-hang', 'mon-002'),
        ev.twin(MIN + 15_000, 'twin.stale', 'mon-001'),
        ev.twin(MIN + 16_000, 'twin.stale', 'mon-002'),
        ev.other(MIN + 3 * MIN, 'ids', 'ids.alert', { device: 'mon-002', rule: 'silence' }),
      ],
      [stale, ids],
    );
    expect(stale.finish({ simulatedMs: 10 * MIN }).message).toBe(
      'twin flagged stale on mon-002 16s after hang (within 1m): 1/1 detected, sensitivity 1.00 ≥ 1.00',
    );
    expect(ids.finish({ simulatedMs: 10 * MIN }).passed).toBe(true);
  });

  it('fails clearly when no injection of the fault happened', () => {
    const j = judge(occlusionDetection);
    stream([ev.runStarted(MIN), ev.alarm(10_000, 'pump-001', 'occlusion.downstream')], [j]);
    const verdict = j.finish({ simulatedMs: MIN });
    expect(verdict).toMatchObject({ passed: false, measured: null, evidence: [] });
    expect(verdict.message).toMatchInlineSnapshot(
      `"no injection of occlusion-1 happened, so nothing could be detected (no fault.injected with id or fault "occlusion-1")"`,
    );
  });

  it('says when the run ended inside a detection window, and gives the injection as evidence', () => {
    const j = judge(occlusionDetection);
    const events = stream([ev.injected(9 * MIN, 'occlusion-1', 'device.occlusion-downstream', 'pump-002')], [j]);
    const verdict = j.finish({ simulatedMs: 10 * MIN });
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toContain('missed on pump-002 at 00:09:00 (run ended inside the window)');
    expect(verdict.evidence).toEqual([events[0]!.id]);
  });
  it('is pending, not failed, while judged live before its fault or inside an open window', () => {
    const j = judge(occlusionDetection);
    stream([ev.runStarted(MIN)], [j]);
    expect(j.finish({ simulatedMs: MIN, live: true })).toMatchObject({ passed: false, pending: true });
    stream([ev.injected(9 * MIN, 'occlusion-1', 'device.occlusion-downstream', 'pump-002')], [j]);
    expect(j.finish({ simulatedMs: 10 * MIN, live: true })).toMatchObject({ passed: false, pending: true });
    // Once the window has closed unanswered, the verdict is final even live; at the end nothing is pending.
    expect(j.finish({ simulatedMs: 20 * MIN, live: true }).pending).toBeUndefined();
    expect(j.finish({ simulatedMs: 10 * MIN }).pending).toBeUndefined();
  });
});

describe('no-detection judge', () => {
  const suppressed = { type: 'no-detection', name: 'suppressed', of: 'mute', expect: { alarm: 'spo2.low' }, within: '10m' };

  it('passes when the suppressed alarm is never announced', () => {
    const j = judge(suppressed);
    stream(
      [
        ev.injected(MIN, 'mute', 'device.alarm-suppression', 'mon-001'),
        ev.alarm(2 * MIN, 'mon-001', 'spo2.low', 'high', { suppressed: true }),
        ev.alarm(3 * MIN, 'mon-002', 'spo2.low', 'high'),
      ],
      [j],
    );
    const verdict = j.finish({ simulatedMs: 20 * MIN });
    expect(verdict).toMatchObject({ passed: true, measured: 0, threshold: '0 detections within 10m' });
    expect(verdict.message).toBe('spo2.low raised did not follow any of 1 injection of mute within 10m (mon-001 at 00:01:00)');
  });

  it('fails with the announced alarm as evidence', () => {
    const j = judge(suppressed);
    const events = stream(
      [ev.injected(MIN, 'mute', 'device.alarm-suppression', 'mon-001'), ev.alarm(2 * MIN, 'mon-001', 'spo2.low', 'high')],
      [j],
    );
    const verdict = j.finish({ simulatedMs: 20 * MIN });
    expect(verdict.passed).toBe(false);
    expect(verdict.measured).toBe(1);
    expect(verdict.evidence).toEqual(events.map((e) => e.id));
  });

  it('fails when nothing was injected (the run shows nothing)', () => {
    const j = judge(suppressed);
    stream([ev.runStarted(MIN)], [j]);
    expect(j.finish().passed).toBe(false);
  });
});
