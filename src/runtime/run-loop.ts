import type { SimClock } from '../core/clock.ts';
import type { Pacer } from './pacer.ts';
import type { RunMode, RunPhase } from './run-options.ts';

/** What the loop drives: the run's clock and pacer, and the steps around each window. */
export interface LoopParts {
  clock: SimClock;
  pacer: Pacer;
  mode: RunMode;
  durationMs: number;
  /** Fast mode's window, ms (read when the loop starts). */
  syncMs(): number;
  /** Waits until the transport settled (LedgerSettler.settle). */
  settle(): Promise<boolean>;
  /** Realtime back-pressure before a slice of `sliceMs` (LedgerSettler.catchUp). */
  catchUp(sliceMs: number): Promise<void>;
  /** Lets the twin judge at the current simulated time (DigitalTwin.check). */
  check(): void;
  /** Everything before `t` is final (EventLog.seal). */
  seal(t: number): void;
  /** The end was reached or the run was stopped: record it. */
  finish(): void;
  /** The phase or the clock moved: tell the faces. */
  status(): void;
  /**
   * Called after the clock reaches each due instant; returns work to finish before time moves on, or
   * undefined when there is none (fast mode's network: a fault that starts or ends now waits for the
   * transport to settle at this instant; an attack launches; run-controls.ts).
   */
  atInstant?(): Promise<void> | undefined;
  /** Before the clock moves to `due` (RunControls.beforeInstant): work that must come first, if any. */
  beforeInstant?(due: number): Promise<void> | undefined;
}

/**
 * Moves simulated time, window by window: asks the pacer how far, runs the clock there, settles the
 * transport and lets the twin check; pauses, steps and stops between windows. The run's phase and its
 * wall time live here.
 */
export class RunLoop {
  #parts: LoopParts;
  phase: RunPhase = 'created';
  #needsSettle = false;
  #wallStart = 0;
  #wallMs = 0;
  #fatal: Error | undefined;
  #pauseGate: { promise: Promise<void>; release: () => void } | undefined;
  #stepBudget: number | undefined;

  constructor(parts: LoopParts) {
    this.#parts = parts;
  }

  get paused(): boolean {
    return this.#pauseGate !== undefined;
  }

  /** Wall time spent running so far (paused time excluded), ms. */
  get wallMs(): number {
    return this.phase === 'running' ? this.#wallMs + (performance.now() - this.#wallStart) : this.#wallMs;
  }

  /** A command was sent: before time moves on, let it and every report sent before it cross. */
  requestSettle(): void {
    this.#needsSettle = true;
  }

  /** Ends the run with `error` (thrown from run()) at the next window. */
  fail(error: Error): void {
    this.#fatal = error;
    this.stop();
  }

  /** Pauses at the end of the current window. */
  pause(): void {
    if (this.#pauseGate || this.phase === 'finished') return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.#pauseGate = { promise, release };
  }

  resume(): void {
    const gate = this.#pauseGate;
    this.#pauseGate = undefined;
    gate?.release();
  }

  /** Runs `ms` of simulation time, then pauses again. */
  step(ms: number): void {
    this.#stepBudget = Math.min(this.#parts.durationMs, this.#parts.clock.now() + ms);
    this.resume();
  }

  /** Ends the run at the current time. */
  stop(): void {
    if (this.phase === 'finished') return;
    this.phase = 'stopping';
    this.resume();
  }

  /** Runs to the end (or until stopped). */
  async run(): Promise<void> {
    const { clock, pacer, durationMs } = this.#parts;
    this.phase = 'running';
    this.#wallStart = performance.now();
    pacer.start();
    const syncMs = this.#parts.syncMs();
    let lastYield = performance.now();
    while (clock.now() < durationMs && (this.phase as RunPhase) !== 'stopping') {
      if (this.#pauseGate) {
        this.#giveUpLag();
        this.#accumulateWall();
        this.phase = 'paused';
        this.#parts.status();
        await this.#pauseGate.promise;
        if ((this.phase as RunPhase) === 'stopping') break;
        this.phase = 'running';
        this.#wallStart = performance.now();
        pacer.start();
      }
      let target = await pacer.next(durationMs, syncMs);
      if (target === undefined) continue;
      if (this.#stepBudget !== undefined) target = Math.min(target, this.#stepBudget);
      const realtime = pacer.realtime;
      if (realtime) await this.#parts.catchUp(target - clock.now());
      await this.#advanceTo(target);
      pacer.note();
      if (this.#stepBudget !== undefined && clock.now() >= this.#stepBudget) {
        this.#stepBudget = undefined;
        this.pause();
      }
      this.#parts.status();
      // A client's socket is corked until the next tick (net/cork-per-tick.ts; mqtt-packet's own cork per
      // packet on a TLS socket), which slices chained by promise continuations would never let run
      // (docs/benchmarks.md#what-limits-it, point 3).
      if (realtime) await new Promise((resolve) => process.nextTick(resolve));
      // Windows where nothing crossed the network settle without a macrotask; yield now and then so
      // keys, renders and sockets are served (the TUI must stay responsive at any speed).
      if (performance.now() - lastYield > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    if (this.#fatal) {
      this.#accumulateWall();
      this.phase = 'finished';
      throw this.#fatal;
    }
    // The backlog the last slice left: a run that kept pace ends within a slice of the wall clock.
    if (this.phase === 'running') this.#giveUpLag();
    await this.#parts.settle();
    this.#parts.check();
    this.#parts.finish();
    this.#accumulateWall();
    this.phase = 'finished';
    this.#parts.status();
  }

  async #advanceTo(target: number): Promise<void> {
    const { clock } = this.#parts;
    for (;;) {
      // A command was sent (in the last instant, or typed while paused): before time moves on, let it
      // and every report sent up to now cross, and let the twin apply it in order (twin.check).
      if (this.#needsSettle) {
        this.#needsSettle = false;
        await this.#parts.settle();
        this.#parts.check();
      }
      const due = clock.nextDue();
      if (due === undefined || due > target) break;
      const first = this.#parts.beforeInstant?.(due);
      if (first) {
        await first;
        // What it took in may have set timers before `due` (a keep-alive restarted from its PINGREQ).
        continue;
      }
      clock.advanceTo(due);
      const work = this.#parts.atInstant?.();
      if (work) await work;
    }
    clock.advanceTo(target);
    if (this.#parts.mode === 'fast' || !this.#parts.pacer.realtime) await this.#parts.settle();
    this.#parts.check();
    // Events at exactly `now` may still come (a command typed while paused); everything before is final.
    this.#parts.seal(clock.now() - 1);
  }

  #accumulateWall(): void {
    if (this.#wallStart > 0) this.#wallMs += performance.now() - this.#wallStart;
    this.#wallStart = 0;
  }

  /** Realtime: the simulated time the run now trails the wall clock is given up (Pacer.giveUpLag). */
  #giveUpLag(): void {
    if (this.#parts.mode === 'realtime') this.#parts.pacer.giveUpLag();
  }
}
