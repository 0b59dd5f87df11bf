/**
 * A candidate change measured by the benchmark, not medtwin's behaviour: the runtime starts every
 * device at t = 0, so all devices of a kind sample and publish in the same simulated millisecond — at
 * 10,000 monitors, a burst of 10,000 messages every second, all handed to the sockets in one
 * synchronous block. Real devices are not phase-locked. This spreads each kind's starts evenly over
 * one telemetry period (deterministically, by the device's position in its kind), by wrapping
 * `agent.start()` so the runtime's own call schedules the real start on the simulation clock.
 */
import type { Run } from '../src/runtime/run.ts';

/** Spreads device start times over one telemetry period per kind. Call after building the Run, before `open()`. */
export function staggerStarts(run: Run): void {
  const byKind = new Map<string, typeof run.agents>();
  for (const agent of run.agents) {
    const list = byKind.get(agent.kind) ?? [];
    list.push(agent);
    byKind.set(agent.kind, list);
  }
  for (const agents of byKind.values()) {
    agents.forEach((agent, i) => {
      const offsetMs = Math.floor((i * agent.descriptor.telemetryPeriodMs) / agents.length);
      if (offsetMs === 0) return;
      const start = agent.start.bind(agent);
      agent.start = () => {
        run.clock.setTimeout(start, offsetMs);
      };
    });
  }
}
