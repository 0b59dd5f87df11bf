import { describe, expect, it } from 'vitest';
import { SimClock } from '../core/clock.ts';
import { Pacer } from './pacer.ts';
import { RunLoop } from './run-loop.ts';

/** A loop over a real clock and pacer, recording the steps it takes around each window. */
function rig(durationMs = 60_000, syncMs = 10_000) {
  const clock = new SimClock();
  const steps: string[] = [];
  const loop = new RunLoop({
    clock,
    pacer: new Pacer({ speed: 'max', simNow: () => clock.now() }),
    mode: 'fast',
    durationMs,
    syncMs: () => syncMs,
    settle: async () => {
      steps.push(`settle@${clock.now()}`);
      return true;
    },
    catchUp: async () => {
      steps.push('catchUp');
    },
    check: () => steps.push(`check@${clock.now()}`),
    seal: (t) => steps.push(`seal<=${t}`),
    finish: () => steps.push(`finish@${clock.now()}`),
    status: () => {},
  });
  return { clock, loop, steps };
}

describe('run loop', () => {
  it('fast mode: window by window, settling and checking at the end of each, firing timers on the way', async () => {
    const { clock, loop, steps } = rig(25_000);
    clock.setTimeout(() => steps.push(`timer@${clock.now()}`), 12_000);
    await loop.run();
    expect(steps).toEqual([
      'settle@10000',
      'check@10000',
      'seal<=9999',
      'timer@12000',
      'settle@20000',
      'check@20000',
      'seal<=19999',
      'settle@25000',
      'check@25000',
      'seal<=24999',
      'settle@25000',
      'check@25000',
      'finish@25000',
    ]);
    expect(loop.phase).toBe('finished');
  });

  it('settles before time moves on when a command was sent', async () => {
    const { clock, loop, steps } = rig(20_000);
    clock.setTimeout(() => {
      steps.push('command');
      loop.requestSettle();
    }, 5_000);
    clock.setTimeout(() => steps.push('next timer'), 6_000);
    await loop.run();
    expect(steps.slice(0, 5)).toEqual(['command', 'settle@5000', 'check@5000', 'next timer', 'settle@10000']);
  });

  it('pauses between windows, steps a given span, and stops where it is', async () => {
    const { clock, loop } = rig(120_000);
    loop.pause();
    const done = loop.run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(loop.phase).toBe('paused');
    expect(clock.now()).toBe(0);
    loop.step(15_000);
    while (!(loop.phase === 'paused' && clock.now() > 0)) await new Promise((resolve) => setImmediate(resolve));
    expect(clock.now()).toBe(15_000);
    loop.stop();
    await done;
    expect(loop.phase).toBe('finished');
    expect(clock.now()).toBe(15_000);
  });

  it('a failure ends the run at the next window and is thrown from run()', async () => {
    const { clock, loop } = rig(120_000);
    clock.setTimeout(() => loop.fail(new Error('link thread died')), 15_000);
    await expect(loop.run()).rejects.toThrow('link thread died');
    expect(clock.now()).toBe(20_000);
    expect(loop.phase).toBe('finished');
  });
});
