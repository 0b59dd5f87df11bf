import { describe, expect, it } from 'vitest';
import type { Shadow } from '../fleet/twin.ts';
import { planFleet } from '../fleet/fleet-spec.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { Plan } from '../scenario/plan.ts';
import type { ExpectationResult } from '../scenario/result.ts';
import { assembleResult, deliveryResult, type ResultInput } from './assemble-result.ts';

const shadow = (receivedTotal: number, missingTelemetry = 0, duplicateTelemetry = 0) =>
  ({ receivedTotal, missingTelemetry, duplicateTelemetry }) as Shadow;

const plan: Plan = {
  name: 'tiny',
  seed: 1,
  durationMs: 60_000,
  fleet: { site: 's', zones: [{ id: 'icu', beds: 1, devices: { cgm: 1 }, config: { cgm: { firmware: '2.1.0' } } }] },
};

/** A ledger summary of one CGM's telemetry: `published`, `delivered` (each once), `duplicated` copies. */
function ledgerOf(published: number, delivered: number, duplicated = 0): ResultInput['ledger'] {
  const ledger = new DeliveryLedger();
  for (let seq = 1; seq <= published; seq++) ledger.published('cgm-001', 'telemetry', seq, seq);
  for (let seq = 1; seq <= published - delivered; seq++) ledger.lost('cgm-001', 'telemetry', seq, 'test');
  for (let seq = published - delivered + 1; seq <= published; seq++) ledger.delivered('cgm-001', 'telemetry', seq, seq);
  for (let seq = published; seq > published - duplicated; seq--) ledger.delivered('cgm-001', 'telemetry', seq, seq);
  // The twin's commands to the device: not the device's deliveries.
  ledger.published('cgm-001', 'cmd', 1, 0);
  ledger.delivered('cgm-001', 'cmd', 1, 0);
  return ledger.summary();
}

function input(overrides: Partial<ResultInput> = {}): ResultInput {
  const passed = { name: 'e', type: 'invariant', passed: true } as unknown as ExpectationResult;
  return {
    plan,
    seed: '1',
    durationMs: 60_000,
    mode: 'fast',
    simulatedMs: 60_000,
    wallMs: 12.6,
    digest: 'abc',
    events: 10,
    broker: { url: 'mqtt://x', placement: 'in-process', links: 'in-thread' },
    published: 10,
    shadows: [shadow(10)],
    ledger: ledgerOf(10, 10),
    settleTimeouts: 0,
    fleetPlan: planFleet(plan.fleet),
    stateOf: (id) => (id === 'cgm-001' ? 'active' : undefined),
    parts: {
      devices: [{ id: 'cgm-001', firmware: '1.0.0', finalState: 'off' } as ResultInput['parts']['devices'][number]],
      alarms: {} as ResultInput['parts']['alarms'],
      twin: {} as ResultInput['parts']['twin'],
      injections: [],
      series: [],
      integrity: { ok: true, errors: 0, first: [] },
    },
    expectations: [passed],
    ...overrides,
  };
}

describe('result assembly', () => {
  it('sums delivery over the shadows', () => {
    expect(deliveryResult(12, [shadow(5, 1), shadow(6, 0, 2)], 1)).toEqual({
      published: 12,
      deliveredToTwin: 11,
      lost: 1,
      sequenceGaps: 1,
      duplicates: 2,
      settleTimeouts: 1,
    });
  });

  it('counts a message a fault duplicated once: the copies hide no loss', () => {
    // 10 published, 8 reached the twin, 2 of them twice: the twin received 10 messages.
    const delivery = deliveryResult(10, [shadow(10, 0, 2)], 0, 0, ledgerOf(10, 8, 2));
    expect(delivery).toMatchObject({ deliveredToTwin: 8, lost: 2, duplicates: 2 });
    expect(assembleResult(input({ shadows: [shadow(10)], ledger: ledgerOf(10, 8, 2) })).ok).toBe(false);
  });

  it('is ok only when every expectation passed, nothing was lost or timed out and physiology stayed valid', () => {
    expect(assembleResult(input()).ok).toBe(true);
    expect(assembleResult(input({ published: 11, ledger: ledgerOf(11, 10) })).ok).toBe(false);
    expect(assembleResult(input({ settleTimeouts: 1 })).ok).toBe(false);
    const parts = input().parts;
    expect(assembleResult(input({ parts: { ...parts, integrity: { ok: false, errors: 1, first: [] } } })).ok).toBe(false);
    const failed = { ...input().expectations[0]!, passed: false };
    expect(assembleResult(input({ expectations: [failed] })).ok).toBe(false);
  });

  it("takes each device's firmware from the plan and its final state from its agent", () => {
    const result = assembleResult(input());
    expect(result.devices[0]).toMatchObject({ firmware: '2.1.0', finalState: 'active' });
    expect(result.wallMs).toBe(13);
    expect(result.realtime).toBeUndefined();
    expect(result.delivery.ledger?.devices['cgm-001']?.telemetry?.delivered).toBe(10);
    expect(result.scenario).toEqual({ name: 'tiny', description: undefined, tags: [], file: undefined, durationMs: 60_000 });
  });
});
