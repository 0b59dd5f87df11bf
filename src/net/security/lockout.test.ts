import { describe, expect, it } from 'vitest';
import { LockoutTracker } from './lockout.ts';

describe('LockoutTracker', () => {
  it('locks after `attempts` failures inside the window, for `durationMs`, on the injected clock', () => {
    let now = 0;
    const lockout = new LockoutTracker({ attempts: 3, windowMs: 60_000, durationMs: 300_000 }, () => now);
    expect(lockout.recordFailure('a')).toEqual({ locked: false, failures: 1 });
    now = 70_000; // the first failure has left the window
    expect(lockout.recordFailure('a')).toEqual({ locked: false, failures: 1 });
    expect(lockout.recordFailure('a')).toEqual({ locked: false, failures: 2 });
    expect(lockout.recordFailure('a')).toEqual({ locked: true, failures: 3, until: 370_000 });
    expect(lockout.lockedUntil('a')).toBe(370_000);
    expect(lockout.lockedUntil('b')).toBeUndefined();
    now = 370_000;
    expect(lockout.lockedUntil('a')).toBeUndefined();
  });

  it('a success clears the count', () => {
    const lockout = new LockoutTracker({ attempts: 2, windowMs: 60_000, durationMs: 1 }, () => 0);
    lockout.recordFailure('a');
    lockout.recordSuccess('a');
    expect(lockout.recordFailure('a')).toEqual({ locked: false, failures: 1 });
  });
});
