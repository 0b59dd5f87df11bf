import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { createRunCore } from './run-core.ts';

describe('createRunCore', () => {
  it("takes the plan's seed, duration and fast mode unless the options say otherwise", () => {
    const plan = smallWard();
    expect(createRunCore(plan)).toMatchObject({ plan, seed: '7', durationMs: 600_000, mode: 'fast' });
    expect(createRunCore(plan, { seed: 42, durationMs: 60_000, mode: 'realtime' })).toMatchObject({
      seed: '42',
      durationMs: 60_000,
      mode: 'realtime',
    });
  });

  it('starts at t=0 with an empty log and ledger, and a root stream seeded by the run seed', () => {
    const core = createRunCore(smallWard(), { seed: 'abc' });
    expect(core.clock.now()).toBe(0);
    expect(core.log.count).toBe(0);
    expect(core.ledger.totals.published).toBe(0);
    const expected = new Rng('abc').fork('fleet');
    expect(core.rng.fork('fleet').next()).toBe(expected.next());
  });

  it('gives each run a core of its own', () => {
    const plan = smallWard();
    const [a, b] = [createRunCore(plan), createRunCore(plan)];
    a.clock.advanceTo(1000);
    expect(b.clock.now()).toBe(0);
    expect(a.ledger).not.toBe(b.ledger);
  });

  it('refuses a settle window under 1 ms, which would never move the clock', () => {
    expect(() => createRunCore(smallWard(), { syncMs: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: syncMs: the settle window must be at least 1 ms, received 0]`,
    );
    expect(() => createRunCore(smallWard(), { syncMs: Number.NaN })).toThrow(/E_SYNC_WINDOW|settle window/);
  });
});
