/**
 * The fast-mode barrier: resolves once the twin has taken in every message the devices handed to their
 * clients and every device has taken in every command sent to it — "the transport has settled" — so the
 * next tick starts from a state that does not depend on socket timing.
 */
export class SettleBarrier {
  #expected: () => number;
  #delivered: () => number;
  #waiters: (() => void)[] = [];
  #timeouts = 0;

  constructor(expected: () => number, delivered: () => number) {
    this.#expected = expected;
    this.#delivered = delivered;
  }

  /** Waits that timed out with messages still missing (see settle). */
  get timeouts(): number {
    return this.#timeouts;
  }

  /** wait(), counting a wait that timed out. */
  async settle(timeoutMs: number): Promise<boolean> {
    const ok = await this.wait(timeoutMs);
    if (!ok) this.#timeouts++;
    return ok;
  }

  get outstanding(): number {
    return this.#expected() - this.#delivered();
  }

  /** Releases every waiter now, as if settled: the transport is gone and waiting would only stall. */
  abort(): void {
    this.#release();
  }

  /** Call whenever a delivery happens. */
  notify(): void {
    if (this.#waiters.length === 0 || this.outstanding > 0) return;
    this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Resolves true once nothing is outstanding, or false after `timeoutMs` of wall time with messages
   * still missing (lost by a faulty network, or a broker that dropped them).
   */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.outstanding <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#waiters.push(done);
    });
  }
}
