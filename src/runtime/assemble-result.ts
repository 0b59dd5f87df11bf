import type { FleetPlan } from '../fleet/fleet-spec.ts';
import type { Shadow } from '../fleet/twin.ts';
import type { DeliveryLedger, LedgerSummary } from '../net/delivery-ledger.ts';
import { CHANNELS } from '../net/topics.ts';
import type { DeliveryResult, ExpectationResult, NetworkResult, RealtimePace, RunResult } from '../scenario/result.ts';
import type { CollectorResult } from './collector.ts';
import type { Referee } from './referee.ts';
import type { RunControls } from './run-controls.ts';
import type { RunCore } from './run-core.ts';
import type { RunFleet } from './run-fleet.ts';

/**
 * Channels the ledger books that a device does not send on: `cmd`, the twin's commands to it, and
 * `will`, the last will the broker publishes on its behalf. Every figure of `RunResult.delivery` but
 * the ledger itself counts the devices' own messages, all other channels: published, delivered, lost,
 * lost to faults and duplicates (docs/network.md#the-delivery-account).
 */
export const NOT_SENT_BY_DEVICES: ReadonlySet<string> = new Set([CHANNELS.cmd, 'will']);

/** Messages the devices handed to their clients so far (cheap: the ledger's running totals). */
export function publishedByDevices(ledger: DeliveryLedger): number {
  let published = ledger.totals.published;
  for (const channel of NOT_SENT_BY_DEVICES) published -= ledger.channelTotals(channel).published;
  return published;
}

/**
 * Ledger losses a scenario's fault explains: a network fault swallowed it, a device's offline buffer
 * (only a fault keeps it offline) let it go, or a broker restart cost it (`broker:restart`).
 */
function explainedByFaults(reason: string): boolean {
  return reason.startsWith('network:') || reason.startsWith('device:') || reason.startsWith('broker:');
}

/**
 * What the transport did with the devices' own messages (NOT_SENT_BY_DEVICES left out), from the
 * ledger: a message counts once however many copies a fault made of it (the twin's receivedTotal
 * counts every copy). `network`: the run has network faults, so `lostToFaults` is reported — of the
 * same messages as `lost`, so a command a fault swallowed can never stand in for a lost reading.
 * Sequence gaps are the twin's (only the receiver sees them).
 */
export function deliveryResult(ledger: LedgerSummary, shadows: Iterable<Shadow>, settleTimeouts: number, network: boolean): DeliveryResult {
  let published = 0;
  let delivered = 0;
  let duplicates = 0;
  let lostToFaults = 0;
  for (const channels of Object.values(ledger.devices)) {
    for (const [name, counts] of Object.entries(channels)) {
      if (NOT_SENT_BY_DEVICES.has(name)) continue;
      published += counts.published;
      delivered += counts.delivered;
      duplicates += counts.duplicated;
      for (const [reason, n] of Object.entries(counts.lostBy)) if (explainedByFaults(reason)) lostToFaults += n;
    }
  }
  let gaps = 0;
  for (const shadow of shadows) gaps += shadow.missingTelemetry;
  return {
    published,
    deliveredToTwin: delivered,
    lost: Math.max(0, published - delivered),
    ...(network ? { lostToFaults } : {}),
    sequenceGaps: gaps,
    duplicates,
    settleTimeouts,
  };
}

/** Everything a finished (or stopped) run knows, as plain data (see `runResult` for where each comes from). */
export interface ResultInput {
  core: Pick<RunCore, 'plan' | 'seed' | 'durationMs' | 'mode'>;
  simulatedMs: number;
  wallMs: number;
  digest: string;
  events: number;
  broker: RunResult['broker'];
  /** Realtime mode only. */
  realtime?: RealtimePace;
  shadows: Iterable<Shadow>;
  /** The delivery ledger's account (every party's messages, commands and wills included). */
  ledger: LedgerSummary;
  settleTimeouts: number;
  fleetPlan: FleetPlan;
  /** A device's machine state now (its agent's label). */
  stateOf(deviceId: string): string | undefined;
  parts: CollectorResult;
  expectations: ExpectationResult[];
  /** What the run's network faults' proxies did, when the scenario has any. */
  network?: NetworkResult;
}

/**
 * The run's result: the scenario, the verdicts, what the transport did, and the collector's parts
 * (devices, alarms, twin, injections, series). Plain assembly: no part of the run is touched.
 */
export function assembleResult(input: ResultInput): RunResult {
  const { core, parts, expectations } = input;
  const { plan } = core;
  const delivery = {
    ...deliveryResult(input.ledger, input.shadows, input.settleTimeouts, input.network !== undefined),
    ledger: input.ledger,
  };
  const firmware = new Map(input.fleetPlan.devices.map((d) => [d.id, d.config.firmware]));
  return {
    scenario: {
      name: plan.name,
      description: plan.description,
      tags: plan.tags ?? [],
      file: plan.source,
      durationMs: plan.durationMs,
    },
    seed: core.seed,
    durationMs: core.durationMs,
    mode: core.mode,
    simulatedMs: input.simulatedMs,
    wallMs: Math.round(input.wallMs),
    digest: input.digest,
    events: input.events,
    ok: resultOk({ expectations, delivery, integrity: parts.integrity }),
    broker: input.broker,
    ...(input.realtime ? { realtime: input.realtime } : {}),
    delivery,
    ...(input.network ? { network: input.network } : {}),
    ...parts,
    devices: parts.devices.map((d) => ({
      ...d,
      firmware: firmware.get(d.id) ?? d.firmware,
      finalState: input.stateOf(d.id) ?? d.finalState,
    })),
    expectations,
  };
}

/** RunResult.ok: every expectation passed, the transport lost nothing it should not have, and no patient state was impossible. */
function resultOk({ expectations, delivery, integrity }: Pick<RunResult, 'expectations' | 'delivery' | 'integrity'>): boolean {
  return (
    expectations.every((e) => e.passed) &&
    delivery.lost - (delivery.lostToFaults ?? 0) <= 0 &&
    delivery.settleTimeouts === 0 &&
    (integrity?.ok ?? true)
  );
}

/**
 * The result with its verdicts judged again (against the counterfactual run, src/runtime/counterfactual.ts):
 * `ok` follows them, and an interrupted run stays not ok.
 */
export function withVerdicts(
  result: RunResult,
  expectations: ExpectationResult[],
  counterfactual?: RunResult['counterfactual'],
): RunResult {
  return {
    ...result,
    expectations,
    ok: result.interrupted === undefined && resultOk({ ...result, expectations }),
    ...(counterfactual ? { counterfactual } : {}),
  };
}

/** The parts of a run its result is read from, and the figures only the facade holds. */
export interface ResultSources {
  fleet: Pick<RunFleet, 'plan' | 'twin' | 'agentById' | 'context'>;
  controls: Pick<RunControls, 'closeLog' | 'networkResult' | 'report'>;
  referee: Pick<Referee, 'collector' | 'verdicts'>;
  wallMs: number;
  settleTimeouts: number;
  broker: RunResult['broker'];
  /** Realtime mode only. */
  realtime?: RealtimePace;
}

/**
 * The result of the run whose core is `core`, read from its parts: closes the audit log and then the
 * event log (its digest is final; calling again gives the same digest), judges on the whole log, and
 * adds the controls' parts (security, campaigns).
 */
export function runResult(core: RunCore, sources: ResultSources): RunResult {
  const { fleet, controls, referee } = sources;
  controls.closeLog();
  const digest = core.log.digest();
  const simulatedMs = core.clock.now();
  const context = fleet.context(simulatedMs);
  const network = controls.networkResult();
  const result = assembleResult({
    core,
    simulatedMs,
    wallMs: sources.wallMs,
    digest,
    events: core.log.count,
    broker: sources.broker,
    ...(core.mode === 'realtime' && sources.realtime ? { realtime: sources.realtime } : {}),
    shadows: fleet.twin.shadows.values(),
    ledger: core.ledger.summary(),
    settleTimeouts: sources.settleTimeouts,
    fleetPlan: fleet.plan,
    stateOf: (id) => fleet.agentById.get(id)?.stateLabel,
    parts: referee.collector.result(context),
    expectations: referee.verdicts(context),
    ...(network ? { network } : {}),
  });
  return controls.report(result);
}
