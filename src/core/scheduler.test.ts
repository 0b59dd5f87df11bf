import { describe, expect, it } from 'vitest';
import { SimClock } from './clock.ts';
import type { SimEvent } from './event-log.ts';
import { Scheduler } from './scheduler.ts';

function rig(endMs = 60_000) {
  const clock = new SimClock();
  const scheduler = new Scheduler(clock, endMs);
  const fired: string[] = [];
  return { clock, scheduler, fired };
}

const event = (t: number, type: string, data: Record<string, unknown> = {}, source = 'mon-001'): SimEvent => ({ t, source, type, data });

describe('scheduler', () => {
  it('at: once, at its time; never at or past the end', () => {
    const { clock, scheduler, fired } = rig(10_000);
    scheduler.at(5000, () => fired.push(`a@${clock.now()}`));
    scheduler.at(10_000, () => fired.push('at the end'));
    clock.advanceTo(20_000);
    expect(fired).toEqual(['a@5000']);
  });

  it('every: from `from`, every period, before `until` and the end; cancellable from inside', () => {
    const { clock, scheduler, fired } = rig(10_000);
    scheduler.every(2000, (t) => fired.push(`e${t}`), { from: 1000, until: 8000 });
    const seen: number[] = [];
    const cancel = scheduler.every(3000, (t) => {
      seen.push(t);
      if (t >= 3000) cancel();
    });
    clock.advanceTo(20_000);
    expect(fired).toEqual(['e1000', 'e3000', 'e5000', 'e7000']);
    expect(seen).toEqual([0, 3000]);
    expect(() => scheduler.every(0, () => {})).toThrow(/period must be longer than 0 ms/);
  });

  it('after: `ms` from now, the end notwithstanding (an effect lasting `for` ends itself)', () => {
    const { clock, scheduler, fired } = rig(10_000);
    clock.advanceTo(9000);
    scheduler.after(5000, () => fired.push(`end@${clock.now()}`));
    clock.advanceTo(20_000);
    expect(fired).toEqual(['end@14000']);
  });

  it('when: after matching events, with delay, within [from, until), at most `times` times', () => {
    const { clock, scheduler, fired } = rig();
    scheduler.when(
      { type: 'alarm.raised', match: (e) => e.data.code === 'occlusion' },
      (e) => fired.push(`${e.data.code}@${clock.now()}`),
      { from: 1000, until: 30_000, delay: 500, times: 2 },
    );
    clock.advanceTo(2000);
    scheduler.notify(event(500, 'alarm.raised', { code: 'occlusion' })); // before `from`
    scheduler.notify(event(2000, 'alarm.raised', { code: 'air' })); // no match
    scheduler.notify(event(2000, 'alarm.cleared', { code: 'occlusion' })); // other type
    scheduler.notify(event(2000, 'alarm.raised', { code: 'occlusion' }));
    clock.advanceTo(10_000);
    scheduler.notify(event(10_000, 'alarm.raised', { code: 'occlusion' }));
    scheduler.notify(event(10_000, 'alarm.raised', { code: 'occlusion' }, 'mon-002'));
    clock.advanceTo(40_000);
    scheduler.notify(event(40_000, 'alarm.raised', { code: 'occlusion' })); // after `until`
    clock.advanceTo(50_000);
    expect(fired).toEqual(['occlusion@2500', 'occlusion@10500']);
  });

  it('fires `when` triggers due together in registration order, then in the canonical order of their events', () => {
    const { clock, scheduler, fired } = rig();
    scheduler.when({ type: 'x' }, (e) => fired.push(`first:${e.source}`));
    scheduler.when({ type: 'x' }, (e) => fired.push(`second:${e.source}`));
    // Arriving in the "wrong" order makes no difference.
    scheduler.notify(event(0, 'x', {}, 'b'));
    scheduler.notify(event(0, 'x', {}, 'a'));
    clock.advanceTo(1);
    expect(fired).toEqual(['first:a', 'first:b', 'second:a', 'second:b']);
  });

  it('a late event fires at once (its delay has passed); stop() cancels everything to come', () => {
    const { clock, scheduler, fired } = rig();
    scheduler.when({ type: 'x' }, () => fired.push(`x@${clock.now()}`), { delay: 1000 });
    clock.advanceTo(5000);
    scheduler.notify(event(1000, 'x'));
    scheduler.at(8000, () => fired.push('at'));
    clock.advanceTo(6000);
    scheduler.notify(event(6000, 'x'));
    scheduler.stop();
    scheduler.notify(event(6000, 'x'));
    clock.advanceTo(20_000);
    expect(fired).toEqual(['x@5000']);
  });

  it('a cancelled trigger or timer never runs', () => {
    const { clock, scheduler, fired } = rig();
    const off = scheduler.when({ type: 'x' }, () => fired.push('x'));
    const cancel = scheduler.at(1000, () => fired.push('at'));
    off();
    cancel();
    scheduler.notify(event(0, 'x'));
    clock.advanceTo(5000);
    expect(fired).toEqual([]);
  });
});
