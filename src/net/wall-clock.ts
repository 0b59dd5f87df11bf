import type { Clock, TimerId } from '../core/clock.ts';

/**
 * The Clock interface on real timers, for what lives in wall time: realtime mode's byte-level network
 * faults (a 200 ms latency really waits 200 ms) and its reconnect back-off. Fast mode passes the run's
 * SimClock to the same code instead, so nothing below depends on which one it got.
 */
export class WallClock implements Clock {
  readonly #origin = performance.now();
  #nextId = 1;
  #timers = new Map<TimerId, NodeJS.Timeout>();

  now(): number {
    return performance.now() - this.#origin;
  }

  setTimeout(fn: (...args: unknown[]) => void, ms: number): TimerId {
    const id = this.#nextId++;
    const timer = setTimeout(
      () => {
        this.#timers.delete(id);
        fn();
      },
      Math.max(0, ms),
    );
    // A fault's pending release must not keep a finished process alive.
    timer.unref();
    this.#timers.set(id, timer);
    return id;
  }

  clearTimeout(id: TimerId | undefined): void {
    if (id === undefined) return;
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
  }

  /** Timers still pending. */
  get pending(): number {
    return this.#timers.size;
  }
}
