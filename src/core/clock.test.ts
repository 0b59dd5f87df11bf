import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { SimClock } from './clock.ts';

describe('SimClock', () => {
  it('fires timers in due order, ties in the order they were set', () => {
    const clock = new SimClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@20'), 20);
    clock.advance(15);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(15);
    clock.advance(5);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('sees the due time as now inside a callback, and fires timers set by timers within the window', () => {
    const clock = new SimClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 10);
    clock.advanceTo(100);
    expect(seen).toEqual([10, 15]);
  });

  it('does not fire cleared timers and reports the next due time', () => {
    const clock = new SimClock();
    const fired: number[] = [];
    const id = clock.setTimeout(() => fired.push(1), 10);
    clock.setTimeout(() => fired.push(2), 30);
    clock.clearTimeout(id);
    expect(clock.nextDue()).toBe(30);
    expect(clock.step()).toBe(true);
    expect(fired).toEqual([2]);
    expect(clock.step()).toBe(false);
  });

  it('refuses to go back in time', () => {
    const clock = new SimClock(100);
    expect(() => clock.advanceTo(50)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: SimClock cannot go back in time: now is 100 ms, asked for 50 ms]`,
    );
  });

  it('drives xstate delays', () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: { after: { 1000: 'b' } }, b: {} } });
    const clock = new SimClock();
    const actor = createActor(machine, { clock }).start();
    clock.advance(999);
    expect(actor.getSnapshot().value).toBe('a');
    clock.advance(1);
    expect(actor.getSnapshot().value).toBe('b');
  });
});
