import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import { Run } from '../../src/runtime/run.ts';
import type { ScenarioError } from '../../src/scenario/diagnostics.ts';
import { parseScenario } from '../../src/scenario/loader.ts';
import type { Plan } from '../../src/scenario/plan.ts';
import { medtwin } from '../helpers/cli.ts';

const FILE = 'scenarios/attacks/forged-pause.yaml';
const text = readFileSync(FILE, 'utf8');

async function runPlan(plan: Plan): Promise<{ events: LoggedEvent[]; digest: string; ids: boolean }> {
  const run = new Run(plan, DEFAULT_DEPENDENCIES, { port: 0 });
  const events: LoggedEvent[] = [];
  run.on('events', (batch) => events.push(...batch));
  try {
    await run.open();
    await run.runToEnd();
    return { events, digest: run.result().digest, ids: run.ids !== undefined };
  } finally {
    await run.close();
  }
}

const brief = (e: LoggedEvent) => [e.t, e.type, e.data.outcome ?? e.data.rule ?? e.data.to ?? null];

/** An attack named in a scenario's timeline, launched by the run's own adversary on a real broker. */
describe('attacks in a scenario timeline', () => {
  it('open: the forged pause stops the pump at 2 min, recorded as attack.* ground truth, the IDS on and alerting; same seed, same digest', async () => {
    const plan = parseScenario(text, FILE, SCENARIO_REGISTRIES);
    const first = await runPlan(plan);
    expect(first.ids).toBe(true);
    const relevant = first.events.filter(
      (e) =>
        e.type.startsWith('attack.') ||
        e.type === 'ids.alert' ||
        (e.source === 'infusion-pump-001' && e.type === 'state.changed' && e.data.to === 'paused'),
    );
    expect(relevant.map(brief)).toEqual([
      [120_000, 'attack.connect', 'accepted'],
      [120_000, 'attack.publish', 'sent'],
      [120_000, 'attack.launched', null],
      [120_000, 'ids.alert', 'unauthorized-command'],
      [120_000, 'ids.alert', 'unknown-client'],
      [120_000, 'state.changed', 'paused'],
      [600_000, 'attack.ended', null],
    ]);
    const publish = relevant.find((e) => e.type === 'attack.publish')!;
    expect(publish.data).toMatchObject({
      id: 'forged-pause',
      attack: 'attack.forged-pause',
      topic: 'medtwin/st-elsewhere/icu/infusion-pump/infusion-pump-001/cmd',
      count: 1,
    });
    const second = await runPlan(parseScenario(text, FILE, SCENARIO_REGISTRIES));
    expect(second.digest).toBe(first.digest);
  });

  it('hardened: the adversary’s connection is refused and the pump keeps infusing', async () => {
    const plan = { ...parseScenario(text, FILE, SCENARIO_REGISTRIES), security: resolveSecurity({ profile: 'hardened' }) };
    const { events } = await runPlan(plan);
    expect(events.filter((e) => e.type.startsWith('attack.')).map(brief)).toEqual([
      [120_000, 'attack.connect', 'refused'],
      [120_000, 'attack.launched', null],
      [600_000, 'attack.ended', null],
    ]);
    expect(events.some((e) => e.source === 'infusion-pump-001' && e.type === 'state.changed' && e.data.to === 'paused')).toBe(false);
  });

  it('an unknown attack or a bad param is a diagnostic at its file:line:col naming the field', () => {
    const misspelt = text.replace('fault: attack.forged-pause', 'fault: attack.forged-paus');
    const badParams = text.replace('fault: attack.forged-pause', 'fault: attack.publish-flood\n    params: { messages: 100000 }');
    const diagnose = (source: string) => {
      try {
        parseScenario(source, 'attack.yaml', SCENARIO_REGISTRIES);
      } catch (error) {
        return (error as ScenarioError).diagnostics.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`);
      }
      return [];
    };
    const [unknown] = diagnose(misspelt);
    expect(unknown).toMatch(/^26:12 timeline\[0\]\.fault: .*attack\.forged-paus.*did you mean "attack\.forged-pause"/);
    const [tooMany] = diagnose(badParams);
    expect(tooMany).toMatch(/^27:25 timeline\[0\]\.params\.messages: /);
  });

  it('medtwin validate exits 2 on a bad attack param, naming file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-attack-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text.replace('fault: attack.forged-pause', 'fault: attack.connect-flood\n    params: { connections: 0 }'));
    const result = await medtwin(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr + result.stdout).toContain(`${file}:27:28 timeline[0].params.connections: expected a number 1 or more`);
  });
});
