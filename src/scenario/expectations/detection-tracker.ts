import type { LoggedEvent } from '../../core/event-log.ts';
import type { DetectionSignal } from '../schema.ts';
import { alarmOf, injectionOf, str } from './event-data.ts';

/** One injection and what (if anything) detected it in time. */
export interface DetectionOutcome {
  /** Id of the `fault.injected` event. */
  injectionEventId: number;
  device: string;
  at: number;
  detected?: { eventId: number; t: number };
  /** Undetected, and the run ended before its window closed. */
  truncated?: boolean;
}

interface Pending {
  outcome: DetectionOutcome;
  deadline: number;
}

/**
 * Follows the injections of one timeline entry (by id) or fault (by name) and looks, on the injected
 * device, for the first signal that answers each within its window: an announced alarm with the code,
 * the twin flagging the device, or any event of the type from or about the device. Only events after
 * the injection in log order count.
 */
export class DetectionTracker {
  readonly of: string;
  readonly signal: DetectionSignal;
  readonly withinMs: number;
  #outcomes: DetectionOutcome[] = [];
  #pending = new Map<string, Pending[]>();
  #earliestDeadline = Number.POSITIVE_INFINITY;

  constructor(of: string, signal: DetectionSignal, withinMs: number) {
    this.of = of;
    this.signal = signal;
    this.withinMs = withinMs;
  }

  onEvents(batch: readonly LoggedEvent[]): void {
    for (const event of batch) {
      if (event.t > this.#earliestDeadline) this.#expire(event.t);
      if (this.#pending.size > 0) for (const device of this.#signalDevices(event)) this.#detect(device, event);
      if (event.type === 'fault.injected' && event.source === 'injector') this.#onInjected(event);
    }
  }

  /** Every injection seen, in log order, as of `endMs`. Does not change the tracker (live verdicts call it mid-run). */
  outcomes(endMs: number): DetectionOutcome[] {
    return this.#outcomes.map((o) => (o.detected === undefined && o.at + this.withinMs > endMs ? { ...o, truncated: true } : o));
  }

  #onInjected(event: LoggedEvent): void {
    const injection = injectionOf(event);
    if (injection.id !== this.of && injection.fault !== this.of) return;
    const outcome: DetectionOutcome = { injectionEventId: event.id, device: injection.device, at: event.t };
    this.#outcomes.push(outcome);
    const deadline = event.t + this.withinMs;
    const list = this.#pending.get(injection.device) ?? [];
    list.push({ outcome, deadline });
    this.#pending.set(injection.device, list);
    this.#earliestDeadline = Math.min(this.#earliestDeadline, deadline);
  }

  /** Devices this event would be a detection signal for. */
  #signalDevices(event: LoggedEvent): string[] {
    const s = this.signal;
    if (s.alarm !== undefined) {
      if (event.type !== 'alarm.raised') return [];
      const alarm = alarmOf(event);
      const wanted = typeof s.alarm === 'string' ? alarm.code === s.alarm : s.alarm.includes(alarm.code as string);
      return wanted && !alarm.suppressed ? [event.source] : [];
    }
    if (s.twin !== undefined) {
      return event.source === 'twin' && event.type === `twin.${s.twin}` ? [str(event.data.device) ?? ''] : [];
    }
    if (event.type !== s.event) return [];
    const about = str(event.data.device);
    return about !== undefined && about !== event.source ? [event.source, about] : [event.source];
  }

  #detect(device: string, event: LoggedEvent): void {
    const list = this.#pending.get(device);
    if (!list) return;
    // One signal answers every open injection on the device (two overlapping faults, one alarm).
    for (const p of list) if (event.t <= p.deadline) p.outcome.detected = { eventId: event.id, t: event.t };
    this.#pending.delete(device);
  }

  #expire(now: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [device, list] of this.#pending) {
      const open = list.filter((p) => p.deadline >= now);
      if (open.length === 0) this.#pending.delete(device);
      else {
        this.#pending.set(device, open);
        for (const p of open) earliest = Math.min(earliest, p.deadline);
      }
    }
    this.#earliestDeadline = earliest;
  }
}

/** The signal as a phrase: `occlusion.downstream raised`, `twin flagged stale`, `ids.alert`. */
export function describeSignal(signal: DetectionSignal): string {
  if (signal.alarm !== undefined) return `${typeof signal.alarm === 'string' ? signal.alarm : signal.alarm.join(' or ')} raised`;
  if (signal.twin !== undefined) return `twin flagged ${signal.twin}`;
  return `${signal.event} event`;
}
