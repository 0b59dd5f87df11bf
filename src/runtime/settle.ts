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
