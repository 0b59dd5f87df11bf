import { describe, expect, it } from 'vitest';
import type { Shadow } from '../fleet/twin.ts';
import { planFleet } from '../fleet/fleet-spec.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { Plan } from '../scenario/plan.ts';
import type { ExpectationResult } from '../scenario/result.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { assembleResult, deliveryResult, publishedByDevices, runResult, type ResultInput } from './assemble-result.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import { Referee } from './referee.ts';
import { RunControls } from './run-controls.ts';
import { createRunCore } from './run-core.ts';
import { RunFleet } from './run-fleet.ts';

const shadow = (missingTelemetry = 0) => ({ receivedTotal: 0, missingTelemetry, duplicateTelemetry: 0 }) as Shadow;

const plan: Plan = {
  name: 'tiny',
  seed: 1,
  durationMs: 60_000,
  fleet: { site: 's', zones: [{ id: 'icu', beds: 1, devices: { cgm: 1 }, config: { cgm: { firmware: '2.1.0' } } }] },
};

/**
 * One CGM's telemetry in a ledger: `published`, the first `lost` of them lost with `reason`, the rest
 * delivered, the last `duplicated` of those delivered twice. Plus a command the twin sent it (delivered).
 */
function ledgerOf(published: number, lost: number, duplicated = 0, reason = 'network:dropped'): DeliveryLedger {
  const ledger = new DeliveryLedger();
  for (let seq = 1; seq <= published; seq++) ledger.published('cgm-001', 'telemetry', seq, seq);
  for (let seq = 1; seq <= lost; seq++) ledger.lost('cgm-001', 'telemetry', seq, reason);
  for (let seq = lost + 1; seq <= published; seq++) ledger.delivered('cgm-001', 'telemetry', seq, seq);
  for (let seq = published; seq > published - duplicated; seq--) ledger.delivered('cgm-001', 'telemetry', seq, seq);
  ledger.published('cgm-001', 'cmd', 1, 0);
  ledger.delivered('cgm-001', 'cmd', 1, 0);
  return ledger;
}

function input(overrides: Partial<ResultInput> = {}): ResultInput {
  const passed = { name: 'e', type: 'invariant', passed: true } as unknown as ExpectationResult;
  return {
    core: { plan, seed: '1', durationMs: 60_000, mode: 'fast' },
    simulatedMs: 60_000,
    wallMs: 12.6,
    digest: 'abc',
    events: 10,
    broker: { url: 'mqtt://x', placement: 'in-process', links: 'in-thread' },
    shadows: [shadow()],
    ledger: ledgerOf(10, 0).summary(),
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

describe('the delivery account', () => {
  it("counts the devices' own messages from the ledger, and the twin's sequence gaps", () => {
    expect(deliveryResult(ledgerOf(12, 1).summary(), [shadow(1), shadow(2)], 1, false)).toEqual({
      published: 12,
      deliveredToTwin: 11,
      lost: 1,
      sequenceGaps: 3,
      duplicates: 0,
      settleTimeouts: 1,
    });
  });

  it('counts a message a fault duplicated once: the copies hide no loss', () => {
    // 10 published, 8 reached the twin, 2 of them twice: the twin received 10 messages.
    const delivery = deliveryResult(ledgerOf(10, 2, 2).summary(), [shadow()], 0, true);
    expect(delivery).toMatchObject({ deliveredToTwin: 8, lost: 2, lostToFaults: 2, duplicates: 2 });
    expect(assembleResult(input({ ledger: ledgerOf(10, 2, 2, 'test').summary() })).ok).toBe(false);
  });

  it("leaves commands to devices and the broker's last wills out of every figure, lost to faults included", () => {
    const ledger = ledgerOf(10, 2, 0, 'a wait timed out');
    // A fault swallowed two commands to the device; the broker published a will for it, and the twin took it in.
    ledger.published('cgm-001', 'cmd', 2, 5);
    ledger.published('cgm-001', 'cmd', 3, 6);
    ledger.lost('cgm-001', 'cmd', 2, 'network:dropped');
    ledger.lost('cgm-001', 'cmd', 3, 'network:dropped');
    ledger.published('cgm-001', 'will', 1, 7);
    ledger.deliveredOldest('cgm-001', 'will', 8);
    expect(publishedByDevices(ledger)).toBe(10);
    const delivery = deliveryResult(ledger.summary(), [shadow()], 0, true);
    expect(delivery).toMatchObject({ published: 10, deliveredToTwin: 8, lost: 2, lostToFaults: 0 });
    // The two readings lost for no fault of the scenario's fail the run: the lost commands do not excuse them.
    const result = assembleResult(input({ ledger: ledger.summary(), network: { fates: { dropped: 2 }, listeners: {} } }));
    expect(result.ok).toBe(false);
    expect(result.delivery.ledger?.totals.lost).toBe(4);
  });

  it('counts losses a fault explains (a network fault, a device offline buffer overflowing) only with network faults', () => {
    const ledger = ledgerOf(10, 3, 0, 'network:dropped');
    ledger.published('cgm-001', 'telemetry', 11, 11);
    ledger.held('cgm-001', 'telemetry', 11);
    ledger.lost('cgm-001', 'telemetry', 11, 'device:buffer-full');
    const network = { fates: { dropped: 3 }, listeners: {} };
    expect(deliveryResult(ledger.summary(), [], 0, true).lostToFaults).toBe(4);
    expect(deliveryResult(ledger.summary(), [], 0, false).lostToFaults).toBeUndefined();
    const result = assembleResult(input({ ledger: ledger.summary(), network }));
    expect(result.ok).toBe(true);
    expect(result.network).toEqual(network);
  });
});

describe('result assembly', () => {
  it('is ok only when every expectation passed, nothing was lost or timed out and physiology stayed valid', () => {
    expect(assembleResult(input()).ok).toBe(true);
    expect(assembleResult(input({ ledger: ledgerOf(11, 1, 0, 'test').summary() })).ok).toBe(false);
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

describe('runResult (the result read from the parts of a run)', () => {
  function runParts() {
    const wardPlan = smallWard({
      durationMs: 60_000,
      expectations: [{ type: 'metric', name: 'mard', metric: 'mard', aggregate: 'mean', max: 15 }],
    });
    const core = createRunCore(wardPlan, { seed: 11 });
    const fleet = new RunFleet({ ...core, deps: DEFAULT_DEPENDENCIES, speed: 'max' });
    const controls = new RunControls({ ...core, fleet, stallMs: 1_000, settle: async () => {}, notify: () => {} });
    const referee = new Referee(core.plan, fleet.plan, core.seed, core.log);
    return { core, fleet, controls, referee };
  }

  it('reads the core and every part: digest, events, delivery from the ledger, verdicts, device states', () => {
    const { core, fleet, controls, referee } = runParts();
    fleet.start();
    core.clock.advanceTo(30_000);
    const broker = { url: 'mqtt://127.0.0.1:1', placement: 'in-process', links: 'in-thread' as const };
    const sources = { fleet, controls, referee, wallMs: 4.4, settleTimeouts: 0, broker };
    const result = runResult(core, sources);
    expect(result).toMatchObject({ seed: '11', mode: 'fast', durationMs: 60_000, simulatedMs: 30_000, wallMs: 4, broker });
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(result.events).toBe(core.log.count);
    // Nothing was connected: every message the devices published is still on its way, so not delivered.
    expect(result.delivery.published).toBe(publishedByDevices(core.ledger));
    expect(result.delivery.published).toBeGreaterThan(0);
    expect(result.delivery).toMatchObject({ deliveredToTwin: 0, lost: result.delivery.published });
    expect(result.delivery.lostToFaults).toBeUndefined();
    expect(result.network).toBeUndefined();
    expect(result.ok).toBe(false);
    expect(result.devices.map((d) => [d.id, d.finalState])).toEqual(fleet.agents.map((a) => [a.deviceId, a.stateLabel]));
    expect(result.expectations.map((e) => e.name)).toEqual(['mard']);
    // The log is closed: a second result reads the same digest.
    expect(runResult(core, sources).digest).toBe(result.digest);
  });
});
