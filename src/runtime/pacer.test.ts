import { describe, expect, it } from 'vitest';
import { Pacer, REALTIME_MAX_BACKLOG_MS } from './pacer.ts';

/** A pacer on a hand-driven wall clock: sleeping moves the wall clock, nothing else does. */
function rig(speed: number | 'max', options: { maxSliceMs?: number } = {}) {
  const state = { wall: 1000, sim: 0, slept: [] as number[] };
  const pacer = new Pacer({
    speed,
    simNow: () => state.sim,
    wallNow: () => state.wall,
    sleep: async (ms) => {
      state.slept.push(ms);
      state.wall += ms;
    },
    ...options,
  });
  return { pacer, state };
}

describe('pacer', () => {
  it('fast mode: one whole window at a time, never past the end, with no waiting', async () => {
    const { pacer, state } = rig('max');
    pacer.start();
    expect(await pacer.next(120_000, 60_000)).toBe(60_000);
    state.sim = 90_000;
    expect(await pacer.next(120_000, 60_000)).toBe(120_000);
    expect(state.slept).toEqual([]);
    expect(pacer.achievedSpeed()).toBeUndefined();
  });

  it('realtime ×1: slices of 10 ms, waiting for the wall clock when ahead of it', async () => {
    const { pacer, state } = rig(1);
    pacer.start();
    expect(await pacer.next(60_000, 5000)).toBe(10);
    expect(state.slept).toEqual([10]);
    state.sim = 10;
    expect(await pacer.next(60_000, 5000)).toBe(20);
    expect(pacer.pace()).toMatchObject({ behindMs: 0, pace: 1 });
  });

  it('realtime ×100: slices of 1 s of simulated time (at most syncMs when given)', async () => {
    expect(rig(100).pacer.sliceMs(100)).toBe(1000);
    expect(rig(1000).pacer.sliceMs(1000)).toBe(1000);
    expect(rig(100, { maxSliceMs: 200 }).pacer.sliceMs(100)).toBe(200);
    expect(rig(0.01).pacer.sliceMs(0.01)).toBe(1);
  });

  it('behind the wall clock: catches up a short backlog, gives up and counts a long one', async () => {
    const { pacer, state } = rig(1);
    pacer.start();
    // 500 ms of wall time passed with no simulation: behind by 500 ms, caught up one slice at a time.
    state.wall += 500;
    expect(await pacer.next(60_000, 5000)).toBe(10);
    expect(pacer.pace().maxLagMs).toBe(500);
    expect(pacer.pace().behindMs).toBe(0);
    // A stall longer than the backlog limit: given up (counted), pacing starts afresh from here.
    state.wall += REALTIME_MAX_BACKLOG_MS + 1000;
    expect(await pacer.next(60_000, 5000)).toBe(10);
    expect(pacer.pace().behindMs).toBe(REALTIME_MAX_BACKLOG_MS + 1500);
    expect(pacer.pace().pace).toBeLessThan(1);
    // Re-anchored: the next slice waits for the wall clock again.
    state.slept = [];
    state.sim = 10;
    expect(await pacer.next(60_000, 5000)).toBe(20);
    expect(state.slept).toEqual([20]);
  });

  it('counts the lag left when the speed changes, and measures the speed achieved over a window', async () => {
    const { pacer, state } = rig(10);
    pacer.start();
    for (let i = 0; i < 12; i++) {
      state.wall += 250;
      state.sim += 1250; // half the asked speed
      pacer.note();
    }
    expect(pacer.achievedSpeed()).toBeCloseTo(5, 5);
    pacer.setSpeed(20, true);
    // 3 s of wall at ×10 is 30 s simulated; 15 s were run: 15 s given up.
    expect(pacer.pace().behindMs).toBe(15_000);
    expect(pacer.achievedSpeed()).toBeUndefined();
    pacer.setSpeed('max', false);
    expect(pacer.realtime).toBe(false);
  });
});
