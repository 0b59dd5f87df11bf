import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import { Run } from '../../src/runtime/run.ts';
import { loadScenarioFile } from '../../src/scenario/loader.ts';

const FILE = 'scenarios/attacks/forged-pause.yaml';

/** Holds the event loop in busy turns of `ms`, `turns` times, one after another (a loaded machine). */
function hog(ms: number, turns: number): void {
  if (turns <= 0) return;
  setImmediate(() => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // busy: nothing else on this thread runs, sockets included
    }
    hog(ms, turns - 1);
  });
}

/**
 * Runs the forged pause; `slowed`: from the adversary's first publish, the event loop is hogged in
 * 120 ms turns, so the pump's socket is read long after the adversary's PUBACK — any wait for the
 * attack's effects measured in wall time would let simulated time move on first.
 */
async function run(slowed: boolean): Promise<{ digest: string; pausedAt: number[]; settleTimeouts: number }> {
  const plan = await loadScenarioFile(FILE, SCENARIO_REGISTRIES);
  const r = new Run(plan, DEFAULT_DEPENDENCIES, { port: 0 });
  const pausedAt: number[] = [];
  let hogged = false;
  r.log.onRecord((event) => {
    if (slowed && !hogged && event.type === 'attack.publish') {
      hogged = true;
      hog(120, 6);
    }
    if (event.source === 'infusion-pump-001' && event.type === 'state.changed' && event.data.to === 'paused') pausedAt.push(event.t);
  });
  try {
    await r.open();
    await r.runToEnd();
    const result = r.result();
    return { digest: result.digest, pausedAt, settleTimeouts: r.settleTimeouts };
  } finally {
    await r.close();
  }
}

/** The wait for an attack's effects is event-driven (fence + settle barrier), so machine load cannot change the log. */
describe('attack effects settle by events, not wall time', () => {
  it('a forged pause under a hogged event loop gives the same digest as an unhogged run', async () => {
    const calm = await run(false);
    const slowed = await run(true);
    expect(calm.pausedAt).toEqual([120_000]);
    expect(slowed.pausedAt).toEqual(calm.pausedAt);
    expect(slowed.settleTimeouts).toBe(0);
    expect(slowed.digest).toBe(calm.digest);
  });
});
