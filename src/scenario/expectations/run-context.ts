import type { AgentStats } from '../../fleet/agent.ts';
import type { Shadow } from '../../fleet/twin.ts';

/**
 * What a finished run knows that the event log does not: the agents' publish counters and the twin's
 * shadows. The collector and the judges take the same object at the end of a run, e.g.
 * `{ simulatedMs: run.clock.now(), agents: new Map(run.agents.map((a) => [a.deviceId, a.stats])), shadows: run.twin.shadows }`.
 */
export interface RunContext {
  /** Simulated time the run covered, ms; defaults to `run.finished` or the last event's time. */
  simulatedMs?: number;
  /** Agent statistics by device id. */
  agents?: ReadonlyMap<string, Pick<AgentStats, 'publishedTotal' | 'commandsReceived' | 'commandsRejected'>>;
  /** Twin shadows by device id. */
  shadows?: ReadonlyMap<string, Pick<Shadow, 'receivedTotal' | 'missingTelemetry' | 'stale' | 'diverged'>>;
  /**
   * Judged while the run goes on (the TUI's live panel). Messages still on their way are not lost
   * yet: a device has lost, so far, the messages the twin knows it missed — gaps in the sequence
   * numbers it received. At the end every message published and not received counts.
   */
  live?: boolean;
}

/** Messages a device handed to its client and how many of them reached the twin. */
export interface DeliveryCounts {
  published: number;
  deliveredToTwin: number;
}

/** Delivery counts of one device, when the context has both sides of them. */
export function deliveryOf(context: RunContext, deviceId: string): DeliveryCounts | undefined {
  const agent = context.agents?.get(deviceId);
  const shadow = context.shadows?.get(deviceId);
  if (!agent || !shadow) return undefined;
  if (context.live) return { published: shadow.receivedTotal + shadow.missingTelemetry, deliveredToTwin: shadow.receivedTotal };
  return { published: agent.publishedTotal, deliveredToTwin: shadow.receivedTotal };
}
