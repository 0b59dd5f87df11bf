import type { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { SessionBook } from '../net/session-book.ts';

/**
 * The settle barrier: resolves once nothing is outstanding — every message any party handed to the
 * network was delivered or accounted lost (the delivery ledger's `inFlight`) — so the next window
 * starts from a state that does not depend on socket timing.
 *
 * It never gives up on a transport that is moving. Only a stall — no delivery and no loss for
 * `stallMs` of wall time with messages still outstanding — ends a wait early (false, counted in
 * `stalls`): the caller then writes what is missing off as lost, so one vanished message costs one
 * stall, not one per window.
 */
export class SettleBarrier {
  #outstanding: () => number;
  #wallNow: () => number;
  #waiters: (() => void)[] = [];
  #stalls = 0;
  #lastProgress = 0;

  constructor(outstanding: () => number, wallNow: () => number = () => performance.now()) {
    this.#outstanding = outstanding;
    this.#wallNow = wallNow;
  }

  get outstanding(): number {
    return this.#outstanding();
  }

  /** Waits that ended in a stall (see settle). */
  get stalls(): number {
    return this.#stalls;
  }

  /** Releases every waiter now, as if settled: the transport is gone and waiting would only stall. */
  abort(): void {
    this.#release();
  }

  /** Call whenever a message is delivered or accounted lost. */
  notify(): void {
    if (this.#waiters.length === 0) return;
    this.#lastProgress = this.#wallNow();
    if (this.outstanding > 0) return;
    this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Resolves true once nothing is outstanding, or false (a stall, counted) when nothing moved for
   * `stallMs` of wall time with messages still outstanding.
   */
  async settle(stallMs: number): Promise<boolean> {
    const ok = await this.wait(stallMs);
    if (!ok) this.#stalls++;
    return ok;
  }

  /** settle() without counting. */
  wait(stallMs: number): Promise<boolean> {
    if (this.outstanding <= 0) return Promise.resolve(true);
    this.#lastProgress = this.#wallNow();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout>;
      // One timer per wait, re-armed only when it fires: progress is a timestamp, not a timer reset
      // per message (a large fleet delivers thousands a second).
      const watch = (ms: number) => {
        timer = setTimeout(() => {
          const idle = this.#wallNow() - this.#lastProgress;
          if (idle < stallMs) return watch(stallMs - idle);
          this.#waiters = this.#waiters.filter((w) => w !== done);
          resolve(false);
        }, ms);
      };
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      watch(stallMs);
      this.#waiters.push(done);
    });
  }
}

/**
 * The run's settle policy over its delivery ledger: wait until every message is delivered or
 * accounted lost, write off what a stalled transport never delivered, and hold realtime back when
 * too much is in flight.
 */
export class LedgerSettler {
  readonly barrier: SettleBarrier;
  #ledger: DeliveryLedger;
  #stallMs: number;
  #telemetryPerSecond: number;

  /**
   * `excused`: messages in flight the barrier must not wait for — on their way at a time a network
   * fault decides (a reorder holds one until others overtake it), not stalled.
   */
  /**
   * `sessions`: clients' exchanges with the broker still on the wire (network faults, session-book.ts;
   * counted while the clock moves in whole windows: fast mode, or realtime at 'max'); the barrier waits
   * for them as for messages.
   */
  constructor(
    ledger: DeliveryLedger,
    options: { stallMs: number; telemetryPerSecond: number; excused?: () => number; sessions?: SessionBook },
  ) {
    this.#ledger = ledger;
    this.#stallMs = options.stallMs;
    this.#telemetryPerSecond = options.telemetryPerSecond;
    const excused = options.excused ?? (() => 0);
    const sessions = options.sessions;
    this.barrier = new SettleBarrier(
      options.excused || sessions ? () => ledger.inFlight - excused() + (sessions?.outstanding ?? 0) : () => ledger.inFlight,
    );
    ledger.onSettle(() => this.barrier.notify());
    sessions?.onChange(() => this.barrier.notify());
  }

  /** Waits for the transport that stalled; what was missing then was written off as lost. */
  get stalls(): number {
    return this.barrier.stalls;
  }

  /**
   * Waits until every message sent is delivered or accounted lost. A transport that stalls — nothing
   * delivered or lost for `stallMs` of wall time — has what is missing written off as lost (counted
   * once, as a stall, and never waited for again); false then.
   */
  async settle(): Promise<boolean> {
    if (await this.barrier.settle(this.#stallMs)) return true;
    this.#ledger.writeOffInFlight(`nothing delivered for ${this.#stallMs} ms of wall time`);
    return false;
  }

  /**
   * Realtime back-pressure. A simulation that cannot keep its pace runs slice after slice while the
   * messages it publishes wait for the same thread that would take them in. So before a slice of
   * `sliceMs` the clock waits for what is on its way if, with the slice's messages added, more than
   * about two simulated seconds of the fleet's telemetry would be; a run that keeps pace never has
   * that much in flight (figures: docs/benchmarks.md#what-limits-it, "Realtime back-pressure").
   */
  async catchUp(sliceMs: number): Promise<void> {
    const limit = Math.max(100, Math.ceil(this.#telemetryPerSecond * Math.max(0.5, 2 - sliceMs / 1000)));
    if (this.#ledger.inFlight > limit) await this.settle();
  }
}
