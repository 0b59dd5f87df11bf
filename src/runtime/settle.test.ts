import { describe, expect, it } from 'vitest';
import { SettleBarrier } from './settle.ts';

describe('settle barrier', () => {
  it('resolves at once when nothing is outstanding, and when the last delivery is notified', async () => {
    let outstanding = 0;
    const barrier = new SettleBarrier(() => outstanding);
    expect(await barrier.settle(1000)).toBe(true);
    outstanding = 2;
    let settled = false;
    const waiting = barrier.settle(60_000).then((ok) => (settled = ok));
    outstanding = 1;
    barrier.notify();
    await Promise.resolve();
    expect(settled).toBe(false);
    outstanding = 0;
    barrier.notify();
    await waiting;
    expect(settled).toBe(true);
    expect(barrier.stalls).toBe(0);
  });

  it('ends a wait only when nothing moved for the stall time, and counts it', async () => {
    const barrier = new SettleBarrier(() => 1);
    expect(await barrier.settle(5)).toBe(false);
    expect(barrier.stalls).toBe(1);
    expect(barrier.outstanding).toBe(1);
  });

  it('keeps waiting while deliveries keep coming, however long the wait', async () => {
    // A hand-driven wall clock: progress 30 ms into a 40 ms stall window pushes the end out.
    let wall = 0;
    let outstanding = 5;
    const barrier = new SettleBarrier(
      () => outstanding,
      () => wall,
    );
    let result: boolean | undefined;
    const waiting = barrier.settle(40).then((ok) => (result = ok));
    wall = 30;
    outstanding = 4;
    barrier.notify();
    // The timer fires at 40 ms real time; by the injected clock only 10 ms passed since progress.
    wall = 40;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(result).toBeUndefined();
    outstanding = 0;
    barrier.notify();
    await waiting;
    expect(result).toBe(true);
    expect(barrier.stalls).toBe(0);
  });

  it('releases every waiter on abort', async () => {
    const barrier = new SettleBarrier(() => 3);
    const waiting = barrier.wait(60_000);
    barrier.abort();
    expect(await waiting).toBe(true);
  });
});
