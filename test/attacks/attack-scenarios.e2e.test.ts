import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { IMPACT_METRICS } from '../../src/defense/impact/registry.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import { loadScenarioFile, validateFiles } from '../../src/scenario/loader.ts';

const DIR = 'scenarios/attacks';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(DIR, f));

async function run(file: string): Promise<{ result: Awaited<ReturnType<typeof executeScenario>>; events: LoggedEvent[] }> {
  const plan = await loadScenarioFile(file, SCENARIO_REGISTRIES);
  const events: LoggedEvent[] = [];
  const result = await executeScenario(plan, { port: 0, onEvents: (batch) => events.push(...batch) });
  return { result, events };
}

const verdicts = (result: Awaited<ReturnType<typeof executeScenario>>) => result.expectations.map((e) => [e.type, e.passed, e.measured]);

/** The built-in attack scenarios (scenarios/attacks/): valid, and a few run end to end on real sockets. */
describe('attack scenarios', () => {
  it('at least ten, each valid, with a precedent in its description and expectations', async () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const checked = await validateFiles(files, SCENARIO_REGISTRIES);
    expect(checked.flatMap((c) => c.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`))).toEqual([]);
    for (const file of files) {
      const plan = await loadScenarioFile(file, SCENARIO_REGISTRIES);
      expect(plan.expectations?.length ?? 0, file).toBeGreaterThan(0);
      if (plan.timeline?.length) expect(plan.description, file).toContain('Precedent:');
    }
  });

  it('open: the forged pause lands (8 min of therapy interrupted, from the log) and is detected at once', async () => {
    const { result, events } = await run(`${DIR}/forged-pause.yaml`);
    expect(verdicts(result)).toEqual([
      ['detected', true, 0],
      ['no-false-alerts', true, 0],
      ['metric', true, 8],
    ]);
    expect(
      IMPACT_METRICS['therapy-interruption-minutes'].compute(events, { devices: ['infusion-pump-001'], from: 120_000, to: 600_000 }),
    ).toBe(8);
  });

  it('hardened: the same attack is prevented, and nothing above low is raised', async () => {
    const { result, events } = await run(`${DIR}/forged-pause-hardened.yaml`);
    expect(verdicts(result)).toEqual([
      ['prevented', true, 0],
      ['no-false-alerts', true, 0],
      ['metric', true, 0],
    ]);
    expect(events.filter((e) => e.type === 'attack.connect').map((e) => e.data.outcome)).toEqual(['refused']);
    expect(
      IMPACT_METRICS['therapy-interruption-minutes'].compute(events, { devices: ['infusion-pump-001'], from: 120_000, to: 600_000 }),
    ).toBe(0);
  });

  it('open: a forged heparin bolus is measured on the patient as a metric expectation (dose beyond the program)', async () => {
    const { result } = await run(`${DIR}/forged-bolus.yaml`);
    const metric = result.expectations.find((e) => e.type === 'metric')!;
    expect(metric.passed).toBe(true);
    expect(metric.measured).toBeGreaterThan(2000);
    expect(metric.message).toContain('dose-excess for P-001');
  });

  it('open: recon reads the ward — the prevented judge would say what it achieved', async () => {
    const { result, events } = await run(`${DIR}/recon-wildcard.yaml`);
    expect(result.ok).toBe(true);
    const ended = events.find((e) => e.type === 'attack.ended')!;
    expect((ended.data.exposed as string[]).length).toBeGreaterThanOrEqual(5);
  });

  it('a DDoS, a fuzzer under hardened and a lateral move give the same digest on every run of a seed, and pass', async () => {
    // The bots' QoS 0 bursts are counted in by the broker, the refused handshakes waited for by port,
    // the compromised device's publish until the broker routed it: nothing is left to chance.
    for (const name of ['ddos-publish-flood', 'malformed-packets-hardened', 'lateral-movement']) {
      const first = await run(`${DIR}/${name}.yaml`);
      const second = await run(`${DIR}/${name}.yaml`);
      expect(first.result.ok, name).toBe(true);
      expect(first.result.digest, name).toMatch(/^[0-9a-f]{64}$/);
      expect(second.result.digest, name).toBe(first.result.digest);
    }
  });

  it('a clean ward under hardened raises no IDS alert above low', async () => {
    const { result, events } = await run(`${DIR}/clean-ward-hardened.yaml`);
    expect(result.ok).toBe(true);
    expect(events.filter((e) => e.type === 'ids.alert' && e.data.severity !== 'low')).toEqual([]);
  });
});
