import type { FleetPlan } from '../fleet/fleet-spec.ts';
import type { Shadow } from '../fleet/twin.ts';
import type { LedgerSummary } from '../net/delivery-ledger.ts';
import { CHANNELS } from '../net/topics.ts';
import type { Plan } from '../scenario/plan.ts';
import type { DeliveryResult, ExpectationResult, NetworkResult, RealtimePace, RunResult } from '../scenario/result.ts';
import type { CollectorResult } from './collector.ts';

/** Everything a finished (or stopped) run knows, gathered by the Run facade. */
export interface ResultInput {
  plan: Plan;
  seed: string;
  durationMs: number;
  mode: 'fast' | 'realtime';
  simulatedMs: number;
  wallMs: number;
  digest: string;
  events: number;
  broker: RunResult['broker'];
  /** Realtime mode only. */
  realtime?: RealtimePace;
  /** Messages the devices handed to their clients. */
  published: number;
  shadows: Iterable<Shadow>;
  /** The delivery ledger's account (every party's messages, commands included). */
  ledger: LedgerSummary;
  settleTimeouts: number;
  fleetPlan: FleetPlan;
  /** A device's machine state now (its agent's label). */
  stateOf(deviceId: string): string | undefined;
  parts: CollectorResult;
  expectations: ExpectationResult[];
  /** The run's network, when the scenario has network faults: losses they explain, and what they did. */
  network?: { lostToFaults: number; result: NetworkResult };
}

/**
 * What the transport did with the devices' messages, as the twin saw them. With the ledger, a message
 * counts once however many copies a fault made of it (the twin's receivedTotal counts every copy), and
 * duplicates are the ledger's, over every channel.
 */
export function deliveryResult(
  published: number,
  shadows: Iterable<Shadow>,
  settleTimeouts: number,
  lostToFaults?: number,
  ledger?: LedgerSummary,
): DeliveryResult {
  let delivered = 0;
  let gaps = 0;
  let duplicates = 0;
  for (const shadow of shadows) {
    delivered += shadow.receivedTotal;
    gaps += shadow.missingTelemetry;
    duplicates += shadow.duplicateTelemetry;
  }
  if (ledger !== undefined) {
    delivered = 0;
    duplicates = 0;
    for (const channels of Object.values(ledger.devices)) {
      for (const [name, counts] of Object.entries(channels)) {
        if (name === CHANNELS.cmd) continue;
        delivered += counts.delivered;
        duplicates += counts.duplicated;
      }
    }
  }
  return {
    published,
    deliveredToTwin: delivered,
    lost: Math.max(0, published - delivered),
    ...(lostToFaults === undefined ? {} : { lostToFaults }),
    sequenceGaps: gaps,
    duplicates,
    settleTimeouts,
  };
}

/**
 * The run's result: the scenario, the verdicts, what the transport did, and the collector's parts
 * (devices, alarms, twin, injections, series). Plain assembly: no part of the run is touched.
 */
export function assembleResult(input: ResultInput): RunResult {
  const { plan, parts, expectations } = input;
  const delivery = {
    ...deliveryResult(input.published, input.shadows, input.settleTimeouts, input.network?.lostToFaults, input.ledger),
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
    seed: input.seed,
    durationMs: input.durationMs,
    mode: input.mode,
    simulatedMs: input.simulatedMs,
    wallMs: Math.round(input.wallMs),
    digest: input.digest,
    events: input.events,
    ok:
      expectations.every((e) => e.passed) &&
      delivery.lost - (delivery.lostToFaults ?? 0) <= 0 &&
      delivery.settleTimeouts === 0 &&
      parts.integrity.ok,
    broker: input.broker,
    ...(input.realtime ? { realtime: input.realtime } : {}),
    delivery,
    ...(input.network ? { network: input.network.result } : {}),
    ...parts,
    devices: parts.devices.map((d) => ({
      ...d,
      firmware: firmware.get(d.id) ?? d.firmware,
      finalState: input.stateOf(d.id) ?? d.finalState,
    })),
    expectations,
  };
}
