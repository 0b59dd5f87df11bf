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
  return { published: agent.publishedTotal, deliveredToTwin: shadow.receivedTotal };
}
