export interface LockoutPolicy {
  /** Failures within `windowMs` that lock the identity out. */
  attempts: number;
  windowMs: number;
  /** How long the lockout lasts. */
  durationMs: number;
}

export type FailureOutcome = { locked: false; failures: number } | { locked: true; failures: number; until: number };

/**
 * Counts failed logins per identity in a sliding window and locks the identity out once they reach
 * `attempts` (NIST SP 800-63B §5.2.2: limit failed attempts; HICP practice 3: lock out after
 * repeated failures). Time comes from `now`, the run's clock, so fast mode locks out in simulated
 * time. Only known identities are tracked: a flood of made-up user names cannot grow it.
 */
export class LockoutTracker {
  readonly #policy: LockoutPolicy;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();
  readonly #lockedUntil = new Map<string, number>();

  constructor(policy: LockoutPolicy, now: () => number) {
    this.#policy = policy;
    this.#now = now;
  }

  /** When the identity's lockout ends, or undefined if it is not locked out. */
  lockedUntil(username: string): number | undefined {
    const until = this.#lockedUntil.get(username);
    if (until === undefined) return undefined;
    if (this.#now() < until) return until;
    this.#lockedUntil.delete(username);
    return undefined;
  }

  recordFailure(username: string): FailureOutcome {
    const now = this.#now();
    const recent = (this.#failures.get(username) ?? []).filter((t) => now - t < this.#policy.windowMs);
    recent.push(now);
    if (recent.length >= this.#policy.attempts) {
      this.#failures.delete(username);
      const until = now + this.#policy.durationMs;
      this.#lockedUntil.set(username, until);
      return { locked: true, failures: recent.length, until };
    }
    this.#failures.set(username, recent);
    return { locked: false, failures: recent.length };
  }

  recordSuccess(username: string): void {
    this.#failures.delete(username);
  }
}
