import type { SimEvent } from '../../core/event-log.ts';
import { defineMetric, heldMs, MINUTE_MS } from './metric.ts';

const FLOWING = new Set(['infusing', 'bolus']);

/**
 * Minutes of the window a pump that was infusing when the attack began was not: a forged pause or
 * stop, a retained pause replayed at every reconnect. For a vasopressor or an insulin infusion the gap
 * itself is the harm (ISMP: interruption of high-alert infusions). From the pump's `state.changed` events.
 */
export const therapyInterruption = defineMetric({
  name: 'therapy-interruption-minutes',
  unit: 'min',
  summary: 'minutes an infusion running at the attack’s start spent stopped',
  rationale:
    'An unplanned stop of a high-alert infusion (insulin, heparin, vasopressors) harms by its length (ISMP); read from the ' +
    'pump’s own state changes, counted only if it was infusing when the window opened.',
  compute(events, { devices, from, to }) {
    // Summed over the patient's pumps: two infusions stopped for 10 minutes are 20 minutes of therapy lost.
    let total: number | null = null;
    for (const device of devices) {
      const minutes = interruption(events, device, from, to);
      if (minutes !== null) total = (total ?? 0) + minutes;
    }
    return total;
  },
});

function interruption(events: readonly SimEvent[], device: string, from: number, to: number): number | null {
  const changes = events
    .filter((e) => e.source === device && e.type === 'state.changed' && typeof e.data.to === 'string')
    .map((e) => [e.t, e.data.to as string] as const)
    .sort((a, b) => a[0] - b[0]);
  if (changes.length === 0) return null;
  // Its state just before the window: a change at `from` itself is the attack's own effect.
  const atStart = changes.filter(([t]) => t < from).at(-1)?.[1];
  if (atStart === undefined || !FLOWING.has(atStart)) return 0;
  return (
    heldMs(
      changes.map(([t, state]) => [t, !FLOWING.has(state)] as const),
      from,
      to,
    ) / MINUTE_MS
  );
}
