import type { AgentStats } from '../../fleet/agent.ts';
import { silenceAt, type Shadow } from '../../fleet/twin.ts';
import { DeliveryLedger } from '../../net/delivery-ledger.ts';
import { CHANNELS } from '../../net/topics.ts';
import type { Counterfactual } from '../../defense/impact/attribution.ts';

/** What of a shadow the judges read; the link figures are optional so a test can give the counts alone. */
export type ShadowCounts = Pick<Shadow, 'receivedTotal' | 'missingTelemetry' | 'stale' | 'diverged'> &
  Partial<Pick<Shadow, 'duplicateTelemetry' | 'outOfOrderTelemetry' | 'longestSilenceMs' | 'lastSeen' | 'firstReportAt'>>;

/**
 * What a finished run knows that the event log does not: the agents' publish counters, the twin's
 * shadows and the delivery ledger. The collector and the judges take the same object at the end of a
 * run, e.g. `{ simulatedMs: run.clock.now(), agents: new Map(run.agents.map((a) => [a.deviceId, a.stats])), shadows: run.twin.shadows, ledger: run.ledger }`.
 */
export interface RunContext {
  /** Simulated time the run covered, ms; defaults to `run.finished` or the last event's time. */
  simulatedMs?: number;
  /** Agent statistics by device id. */
  agents?: ReadonlyMap<string, Pick<AgentStats, 'publishedTotal' | 'commandsReceived' | 'commandsRejected'>>;
  /** Twin shadows by device id. */
  shadows?: ReadonlyMap<string, ShadowCounts>;
  /**
   * The run's delivery ledger (src/net/delivery-ledger.ts): each device's messages, published,
   * delivered to the twin (each once), lost and why, duplicated, held offline and backfilled.
   */
  ledger?: DeliveryLedger;
  /**
   * Judged while the run goes on (the TUI's live panel). Messages still on their way are not lost
   * yet: a device has lost, so far, the messages the ledger has accounted lost (without a ledger,
   * the gaps in the sequence numbers the twin received). At the end every message published and not
   * received counts.
   */
  live?: boolean;
  /**
   * The same run with its attacks withheld (src/runtime/counterfactual.ts), when a judge asked for it
   * (Judge.needsCounterfactual): an attack is charged only with the impact the run without it lacks.
   */
  counterfactual?: Counterfactual;
}

/** Messages a device handed to its client and how many of them reached the twin, with the link's other figures. */
export interface DeliveryCounts {
  published: number;
  /** Distinct messages the twin received (a copy a fault duplicated counts once). */
  deliveredToTwin: number;
  /** Copies of messages the twin had already received (the ledger's count). */
  duplicates?: number;
  /** Messages the device held in its offline buffer, and how many of those reached the twin (the ledger's). */
  held?: number;
  backfilled?: number;
  /** Readings the twin received after later ones had overtaken them. */
  outOfOrder?: number;
  /** The longest the twin went without fresh telemetry from the device, to the end of the run, ms. */
  longestSilenceMs?: number;
}

const NOTHING = new DeliveryLedger().totals;

/** Delivery counts of one device, when the context has both sides of them. */
export function deliveryOf(context: RunContext, deviceId: string): DeliveryCounts | undefined {
  const shadow = context.shadows?.get(deviceId);
  const ledger = context.ledger;
  const link: Omit<DeliveryCounts, 'published' | 'deliveredToTwin'> = {
    ...(shadow?.outOfOrderTelemetry !== undefined ? { outOfOrder: shadow.outOfOrderTelemetry } : {}),
    ...(shadow?.longestSilenceMs !== undefined && shadow.firstReportAt !== undefined && context.simulatedMs !== undefined
      ? {
          longestSilenceMs: silenceAt(
            { longestSilenceMs: shadow.longestSilenceMs, lastSeen: shadow.lastSeen, firstReportAt: shadow.firstReportAt },
            context.simulatedMs,
          ),
        }
      : {}),
  };
  if (ledger !== undefined) {
    // What the device sent (its commands are the twin's messages, booked on its account too); a
    // device with no account published nothing.
    const counts = ledger.account(deviceId)?.sum([CHANNELS.cmd]) ?? NOTHING;
    return {
      published: context.live ? counts.delivered + counts.lost : counts.published,
      deliveredToTwin: counts.delivered,
      duplicates: counts.duplicated,
      held: counts.held,
      backfilled: counts.backfilled,
      ...link,
    };
  }
  const agent = context.agents?.get(deviceId);
  if (!agent || !shadow) return undefined;
  // Without a ledger, the twin's own count, less the repeats it noticed.
  const received = shadow.receivedTotal - (shadow.duplicateTelemetry ?? 0);
  if (context.live) return { published: received + shadow.missingTelemetry, deliveredToTwin: received, ...link };
  return { published: agent.publishedTotal, deliveredToTwin: received, ...link };
}
