import { describe, expect, it } from 'vitest';
import type { Shadow } from '../fleet/twin.ts';
import { planFleet } from '../fleet/fleet-spec.ts';
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
    ledger: {
      totals: { published: 10, delivered: 10, inFlight: 0, lost: 0, late: 0, duplicated: 0, buffered: 0, held: 0, backfilled: 0 },
      devices: {},
    },
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

  it('is ok only when every expectation passed, nothing was lost or timed out and physiology stayed valid', () => {
    expect(assembleResult(input()).ok).toBe(true);
    expect(assembleResult(input({ published: 11 })).ok).toBe(false);
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
    expect(result.delivery.ledger?.totals.delivered).toBe(10);
    expect(result.scenario).toEqual({ name: 'tiny', description: undefined, tags: [], file: undefined, durationMs: 60_000 });
  });
});
