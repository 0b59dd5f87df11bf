import { describe, expect, it } from 'vitest';
import { SettleBarrier } from './settle.ts';

describe('settle barrier', () => {
  it('resolves at once when nothing is outstanding, and when the last delivery is notified', async () => {
    let expected = 0;
    let delivered = 0;
    const barrier = new SettleBarrier(
      () => expected,
      () => delivered,
    );
    expect(await barrier.settle(1000)).toBe(true);
    expected = 2;
    let settled = false;
    const waiting = barrier.settle(60_000).then((ok) => (settled = ok));
    delivered = 1;
    barrier.notify();
    await Promise.resolve();
    expect(settled).toBe(false);
    delivered = 2;
    barrier.notify();
    await waiting;
    expect(settled).toBe(true);
    expect(barrier.timeouts).toBe(0);
  });

  it('counts a wait that timed out with messages missing', async () => {
    const barrier = new SettleBarrier(
      () => 1,
      () => 0,
    );
    expect(await barrier.settle(5)).toBe(false);
    expect(barrier.timeouts).toBe(1);
    expect(barrier.outstanding).toBe(1);
  });

  it('releases every waiter on abort', async () => {
    const barrier = new SettleBarrier(
      () => 3,
      () => 0,
    );
    const waiting = barrier.wait(60_000);
    barrier.abort();
    expect(await waiting).toBe(true);
  });
});
