/**
 * The pacer decides how far simulated time may move next. Fast mode (speed 'max'): a whole settle
 * window at once. Realtime (speed × wall clock): slices of about REALTIME_SLICE_MS of wall time, waiting
 * for the wall clock when ahead, catching up a short backlog when behind, and giving up — and counting —
 * a backlog too long to chase. It also measures how well realtime kept pace (RealtimePace, achievedSpeed).
 *
 * It reads the wall clock (that is its job) but schedules nothing on the simulation: the run's loop
 * asks `next()` for a target and advances the simulated clock there itself.
 */
import type { RealtimePace } from '../scenario/result.ts';

export interface PacerOptions {
  speed: number | 'max';
  /** Simulated now. */
  simNow: () => number;
  /** Wall clock, ms (default performance.now). */
  wallNow?: () => number;
  /** Waits `ms` of wall time (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Realtime slices are never longer than this (RunOptions.syncMs, when given). */
  maxSliceMs?: number;
}

export class Pacer {
  #speed: number | 'max';
  #simNow: () => number;
  #wallNow: () => number;
  #sleep: (ms: number) => Promise<void>;
  #maxSliceMs: number | undefined;
  #anchor = { wall: 0, sim: 0 };
  /** Simulated time the run fell behind the wall clock and never caught up, and its largest backlog. */
  #pace = { behindMs: 0, maxLagMs: 0 };
  /** (wall, sim) points of the last seconds of running, for achievedSpeed(). */
  #window: { wall: number; sim: number }[] = [];

  constructor(options: PacerOptions) {
    this.#speed = options.speed;
    this.#simNow = options.simNow;
    this.#wallNow = options.wallNow ?? (() => performance.now());
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#maxSliceMs = options.maxSliceMs;
  }

  get speed(): number | 'max' {
    return this.#speed;
  }

  /** True while pacing by the wall clock. */
  get realtime(): boolean {
    return this.#speed !== 'max';
  }

  /** Pacing counts from here: the run starts or resumes. */
  start(): void {
    this.#reanchor();
    this.#restartWindow();
  }

  /**
   * Counts the simulated time the run now trails the wall clock as given up, where pacing is about to
   * count afresh (a pause, a new speed, the end). Call only while running: the anchor is stale during a pause.
   */
  giveUpLag(): void {
    if (this.#speed === 'max') return;
    this.#pace.behindMs += Math.max(0, this.#anchor.sim + (this.#wallNow() - this.#anchor.wall) * this.#speed - this.#simNow());
  }

  /** A new speed; `running`: the lag so far is given up first (see giveUpLag). */
  setSpeed(speed: number | 'max', running: boolean): void {
    if (running) this.giveUpLag();
    this.#speed = speed;
    this.start();
  }

  /**
   * The simulated time to advance to next, never past `end`; undefined when realtime has nothing to do
   * yet (the caller checks for pauses and asks again). Fast mode: one window of `windowMs`.
   */
  async next(end: number, windowMs: number): Promise<number | undefined> {
    const now = this.#simNow();
    if (this.#speed === 'max') return Math.min(now + windowMs, end);
    // Realtime: advance in slices of about REALTIME_SLICE_MS of wall time. Everything due in a slice
    // runs in one synchronous block, so its messages reach the sockets together: small slices keep
    // publish-to-delivery latency small for a large fleet whose devices publish all through the second.
    const speed = this.#speed;
    const sliceMs = this.sliceMs(speed);
    const anchor = this.#anchor;
    const wait = anchor.wall + (Math.min(now + sliceMs, end) - anchor.sim) / speed - this.#wallNow();
    if (wait > 0) await this.#sleep(Math.min(wait, 50));
    const at = this.#simNow();
    const due = anchor.sim + Math.floor((this.#wallNow() - anchor.wall) * speed);
    // Behind the wall clock: run as fast as possible, one slice at a time, and catch up a short
    // backlog (a large fleet's boot second); past REALTIME_MAX_BACKLOG_MS (a big fleet at ×100) stop
    // chasing it and go on from here — and count what was given up, so the report can say so.
    const lag = due - at;
    if (lag > this.#pace.maxLagMs) this.#pace.maxLagMs = lag;
    if (lag > Math.max(5 * sliceMs, REALTIME_MAX_BACKLOG_MS)) {
      this.#pace.behindMs += lag;
      this.#reanchor();
    }
    const target = Math.min(end, at + sliceMs, Math.max(at, due));
    return target <= at ? undefined : target;
  }

  /** Simulated time one realtime slice covers at `speed`. */
  sliceMs(speed: number): number {
    return Math.max(1, Math.min(this.#maxSliceMs ?? REALTIME_MAX_SLICE_MS, Math.round(REALTIME_SLICE_MS * speed)));
  }

  /** Notes where the run is, for achievedSpeed(): a point every PACE_WINDOW_MS.step, kept for PACE_WINDOW_MS.max. */
  note(): void {
    if (this.#speed === 'max') return;
    const wall = this.#wallNow();
    const last = this.#window.at(-1);
    if (last !== undefined && wall - last.wall < PACE_WINDOW_MS.step) return;
    this.#window.push({ wall, sim: this.#simNow() });
    while (this.#window.length > 2 && wall - this.#window[1]!.wall >= PACE_WINDOW_MS.max) this.#window.shift();
  }

  /**
   * Realtime: simulated ÷ wall time over a window of the last one to three seconds of running (the
   * window restarts when the run starts, resumes or changes speed); undefined until there is one.
   */
  achievedSpeed(): number | undefined {
    if (this.#speed === 'max') return undefined;
    const oldest = this.#window[0];
    const newest = this.#window.at(-1);
    if (oldest === undefined || newest === undefined || newest.wall - oldest.wall < PACE_WINDOW_MS.min) return undefined;
    return (newest.sim - oldest.sim) / (newest.wall - oldest.wall);
  }

  /**
   * How well realtime kept the wall clock's pace so far. A machine too slow for the fleet at the asked
   * speed does not stop the run: the run goes on later than asked, and this says by how much.
   */
  pace(): RealtimePace {
    const simulated = this.#simNow();
    const { behindMs, maxLagMs } = this.#pace;
    return {
      speed: this.#speed,
      behindMs: Math.round(behindMs),
      maxLagMs: Math.round(maxLagMs),
      pace: simulated + behindMs > 0 ? Math.round((simulated / (simulated + behindMs)) * 1000) / 1000 : 1,
    };
  }

  #reanchor(): void {
    this.#anchor = { wall: this.#wallNow(), sim: this.#simNow() };
  }

  #restartWindow(): void {
    this.#window = [{ wall: this.#wallNow(), sim: this.#simNow() }];
  }
}

/** The window of wall time over which achievedSpeed() measures, ms. */
const PACE_WINDOW_MS = { min: 1000, max: 3000, step: 250 } as const;

/** Wall time one realtime slice stands for. */
export const REALTIME_SLICE_MS = 10;

/**
 * Simulated time realtime mode may fall behind and still catch up: every device boots in the first
 * simulated second, about 2 s of wall time at 10,000 devices (docs/benchmarks.md#what-limits-it, point 3).
 */
export const REALTIME_MAX_BACKLOG_MS = 2000;

/** At high speeds a realtime slice still covers at most this much simulated time (unless syncMs is smaller). */
const REALTIME_MAX_SLICE_MS = 1000;
