import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findIdentifiers, PSEUDONYM_PATTERN } from '../../src/net/security/privacy/pseudonyms.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { openResearchExport } from '../../src/runtime/research-export-file.ts';
import { Run } from '../../src/runtime/run.ts';
import { medtwin } from '../helpers/cli.ts';
import { smallWard } from '../helpers/plans.ts';

/*
 * The research export written to a file: only patients who consented to research, only under their
 * pseudonyms, and nothing that names anyone — checked on the file a run really wrote.
 */

const dir = mkdtempSync(join(tmpdir(), 'medtwin-research-'));
// P-001 and P-003 consented to research; P-002 only to quality improvement; P-004 to nothing.
const consent = { 'P-001': ['research'], 'P-002': ['quality-improvement'], 'P-003': ['research', 'quality-improvement'] } as const;
const plan = () => smallWard({ durationMs: 2 * 60_000, security: resolveSecurity({ profile: 'baseline', consent }) });

const runs: Run[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.close()));
});

interface Line {
  patient: string;
  t: number;
  kind: string;
  values: Record<string, unknown>;
}

describe('research export to a file', () => {
  it("holds the consenting patients' telemetry under pseudonyms, never a non-consenting patient's, a name, an MRN or an id", async () => {
    const run = new Run(plan(), DEFAULT_DEPENDENCIES);
    runs.push(run);
    const path = join(dir, 'direct', 'research.jsonl');
    const file = await openResearchExport(run.security, path);
    await run.runToEnd();
    const result = run.result();
    await file.finish();
    expect(existsSync(`${path}.partial`)).toBe(false);
    const text = readFileSync(path, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const { researchExport } = result.security!;
    expect(lines.length).toBe(researchExport!.released);
    expect(researchExport!.withheld).toBeGreaterThan(0);

    const pseudonyms = run.security!.pseudonyms;
    const patientOf = (code: string) => pseudonyms.reidentify(code);
    // Only P-001 and P-003, the patients who consented to research, and each of their devices' telemetry.
    expect(new Set(lines.map((l) => patientOf(l.patient)))).toEqual(new Set(['P-001', 'P-003']));
    for (const l of lines) expect(l.patient).toMatch(PSEUDONYM_PATTERN);
    const consenting = run.agents.filter((a) => a.patient.id === 'P-001' || a.patient.id === 'P-003');
    const telemetryOf = (agents: typeof run.agents) => agents.reduce((n, a) => n + (a.stats.published.telemetry ?? 0), 0);
    expect(lines.length).toBe(telemetryOf(consenting));
    expect(researchExport!.withheld).toBe(telemetryOf(run.agents.filter((a) => !consenting.includes(a))));
    // The non-consenting patients' pseudonyms never appear, nor anyone's name, MRN or patient id, nor a device id.
    const identifiers = [...run.patients.values()].flatMap((p) => [p.id, p.demographics.name, p.demographics.mrn]);
    const withheldCodes = ['P-002', 'P-004'].map((id) => pseudonyms.pseudonymOf(id));
    expect(findIdentifiers(text, [...identifiers, ...withheldCodes, ...run.agents.map((a) => a.deviceId)])).toEqual([]);
    // Each record is a device kind's telemetry body at its time, in log order.
    const sending = consenting.filter((a) => (a.stats.published.telemetry ?? 0) > 0);
    expect(new Set(lines.map((l) => l.kind))).toEqual(new Set(sending.map((a) => a.kind)));
    expect(lines.every((l, i) => i === 0 || l.t >= lines[i - 1]!.t)).toBe(true);

    // The same scenario, seed and profile write the same bytes (here through executeScenario).
    const again = join(dir, 'again.jsonl');
    const second = await executeScenario(plan(), { researchExport: again });
    expect(second.security!.researchExport).toMatchObject({ released: researchExport!.released, file: again });
    expect(readFileSync(again, 'utf8')).toBe(text);
  }, 60_000);

  it('refuses a run without the consent control, saying how to get it', async () => {
    const run = new Run(smallWard({ durationMs: 60_000 }), DEFAULT_DEPENDENCIES);
    runs.push(run);
    await expect(openResearchExport(run.security, join(dir, 'none.jsonl'))).rejects.toMatchObject({
      code: 'E_RESEARCH_EXPORT',
      message: expect.stringContaining('--security baseline or hardened'),
    });
  });

  it('medtwin run --research-export writes the file and says so; without consent control it exits 2', async () => {
    const scenario = join(dir, 'consenting.yaml');
    writeFileSync(
      scenario,
      [
        'name: consenting',
        'seed: 5',
        'duration: 1m',
        'fleet:',
        '  zones:',
        '    - { id: icu, beds: 2, devices: { patient-monitor: 2 } }',
        'security:',
        '  profile: open',
        '  consent: { P-002: [research] }',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'cli', 'research.jsonl');
    const ok = await medtwin(['run', scenario, '--security', 'baseline', '--research-export', out]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`withheld, written to ${out}`);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => (JSON.parse(l) as Line).patient)).size).toBe(1);

    const refused = await medtwin(['run', scenario, '--research-export', join(dir, 'cli', 'open.jsonl')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('consent control');
    expect(existsSync(join(dir, 'cli', 'open.jsonl'))).toBe(false);
  }, 60_000);
});
