import type { Clock, TimerId } from './clock.ts';
import { canonicalJson } from './canonical-json.ts';
import type { SimEvent } from './event-log.ts';

/**
 * The trigger engine: when things happen, on the simulation clock. The timeline
 * (src/runtime/timeline.ts) uses it for a scenario's faults; it lives in src/core so that playbooks
 * (src/defense) and attacks (src/inject), which sit below the runtime, can use it the same way.
 *
 * - `at(t, fn)`: once, at simulated time `t`.
 * - `every(period, fn, { from, until })`: at `from` (default 0) and every `period` after, before `until`.
 * - `when(pattern, fn, { from, until, delay, times })`: after each event the pattern matches (fed in
 *   with `notify`), `delay` later, at most `times` times, for events stamped in [from, until).
 * - `after(ms, fn)`: once, `ms` from now — what an effect that lasts `for` a while uses to end itself.
 *
 * Nothing fires at or after `endMs` (the end of the run: an action there would have no time to act),
 * nor after `stop()`. Everything is deterministic: timers due at the same time fire in the order they
 * were set (the clock's rule), and `when` triggers due at the same time fire in the order the triggers
 * were registered, then in the canonical order of their events (time, source, type, payload) — so the
 * outcome does not depend on the order events happened to arrive in.
 */
export class Scheduler {
  readonly endMs: number;
  #clock: Clock;
  #timers = new Set<TimerId>();
  #triggers: WhenTrigger[] = [];
  /** `when` firings waiting for their due time, one queue (and one timer) per due time. */
  #due = new Map<number, Firing[]>();
  #stopped = false;

  constructor(clock: Clock, endMs = Number.POSITIVE_INFINITY) {
    this.#clock = clock;
    this.endMs = endMs;
  }

  /** Runs `fn` once at simulated time `t` (now, if `t` has passed); nothing if `t` is at or past the end. */
  at(t: number, fn: () => void): Cancel {
    if (t >= this.endMs) return () => {};
    return this.#timer(t, fn);
  }

  /** Runs `fn` once, `ms` from now (an effect lasting `for` ms ends itself with this). Not bounded by the end. */
  after(ms: number, fn: () => void): Cancel {
    return this.#timer(this.#clock.now() + ms, fn);
  }

  /**
   * Runs `fn(t)` at `from` (default 0) and every `period` ms after, while `t` is before `until` and the
   * end. The next time is set before `fn` runs, so `fn` may cancel the repeat.
   */
  every(period: number, fn: (t: number) => void, window: { from?: number; until?: number } = {}): Cancel {
    if (!(period > 0)) throw new RangeError(`Scheduler.every: the period must be longer than 0 ms, received ${period}`);
    const end = Math.min(window.until ?? Number.POSITIVE_INFINITY, this.endMs);
    let cancel: Cancel = () => {};
    let cancelled = false;
    const tick = (t: number): void => {
      if (t >= end || cancelled) return;
      cancel = this.#timer(t, () => {
        tick(t + period);
        fn(t);
      });
    };
    tick(window.from ?? 0);
    return () => {
      cancelled = true;
      cancel();
    };
  }

  /**
   * Runs `fn(event)` for events `pattern` matches (see notify), `delay` ms after the event (or now, if
   * that has passed), at most `times` times. Triggers registered earlier fire first at the same instant.
   */
  when(pattern: EventPattern, fn: (event: SimEvent) => void, options: WhenOptions = {}): Cancel {
    const trigger: WhenTrigger = {
      order: this.#triggers.length,
      pattern,
      fn,
      from: options.from ?? 0,
      until: Math.min(options.until ?? Number.POSITIVE_INFINITY, this.endMs),
      delay: options.delay ?? 0,
      times: options.times ?? Number.POSITIVE_INFINITY,
      fired: 0,
      cancelled: false,
    };
    this.#triggers.push(trigger);
    return () => {
      trigger.cancelled = true;
    };
  }

  /** Feeds an event to the `when` triggers (the timeline calls it for every event as it is recorded). */
  notify(event: SimEvent): void {
    if (this.#stopped) return;
    let key: string | undefined;
    for (const trigger of this.#triggers) {
      if (trigger.cancelled || trigger.fired >= trigger.times) continue;
      if (trigger.pattern.type !== undefined && trigger.pattern.type !== event.type) continue;
      if (event.t < trigger.from || event.t >= trigger.until) continue;
      if (trigger.pattern.match !== undefined && !trigger.pattern.match(event)) continue;
      const due = Math.max(event.t + trigger.delay, this.#clock.now());
      key ??= canonicalJson({ t: event.t, source: event.source, type: event.type, data: event.data });
      const firing = { trigger, event, key };
      const queue = this.#due.get(due);
      if (queue) {
        queue.push(firing);
        continue;
      }
      this.#due.set(due, [firing]);
      this.#timer(due, () => this.#fireDue(due));
    }
  }

  /** Cancels everything still to come. */
  stop(): void {
    this.#stopped = true;
    for (const id of this.#timers) this.#clock.clearTimeout(id);
    this.#timers.clear();
    this.#due.clear();
  }

  #fireDue(due: number): void {
    const queue = this.#due.get(due) ?? [];
    this.#due.delete(due);
    queue.sort((a, b) => a.trigger.order - b.trigger.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { trigger, event } of queue) {
      if (trigger.cancelled || trigger.fired >= trigger.times) continue;
      trigger.fired++;
      trigger.fn(event);
    }
  }

  #timer(t: number, fn: () => void): Cancel {
    const id = this.#clock.setTimeout(
      () => {
        this.#timers.delete(id);
        if (!this.#stopped) fn();
      },
      Math.max(0, t - this.#clock.now()),
    );
    this.#timers.add(id);
    return () => {
      if (this.#timers.delete(id)) this.#clock.clearTimeout(id);
    };
  }
}

/** Undoes a scheduling: the action will not run (again). */
export type Cancel = () => void;

/** Which events a `when` trigger follows: an event type, and/or any test of the event. */
export interface EventPattern {
  type?: string;
  match?: (event: SimEvent) => boolean;
}

export interface WhenOptions {
  /** Only events stamped at or after this simulated time (default 0). */
  from?: number;
  /** Only events stamped before this simulated time (default: the end). */
  until?: number;
  /** Fire this long after the event, ms (default 0: at once). */
  delay?: number;
  /** Fire at most this many times (default: unlimited). */
  times?: number;
}

interface WhenTrigger {
  order: number;
  pattern: EventPattern;
  fn: (event: SimEvent) => void;
  from: number;
  until: number;
  delay: number;
  times: number;
  fired: number;
  cancelled: boolean;
}

interface Firing {
  trigger: WhenTrigger;
  event: SimEvent;
  key: string;
}
