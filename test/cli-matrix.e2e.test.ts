import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../src/cli/matrix-table.ts';
import { medtwin } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'medtwin-matrix-'));

describe('medtwin matrix', () => {
  it('measures an attack under open and hardened: lands and is detected when open, prevented when hardened', async () => {
    const json = join(dir, 'matrix.json');
    const outcome = await medtwin([
      'matrix',
      'scenarios/attacks/forged-pause.yaml',
      '--security',
      'open,hardened',
      '--seeds',
      '1..2',
      '--json',
      json,
    ]);
    expect(outcome.stderr).not.toMatch(/error/i);
    expect(outcome.code).toBe(0);
    const matrix = JSON.parse(readFileSync(json, 'utf8')) as Matrix;
    expect(matrix.seeds).toEqual(['1', '2']);
    const open = matrix.rows.find((r) => r.profile === 'open')!;
    const hardened = matrix.rows.find((r) => r.profile === 'hardened')!;
    expect(open).toMatchObject({ attack: 'attack.forged-pause', seeds: 2, prevented: 0, detected: 1 });
    expect(open.mttdP50S).not.toBeNull();
    expect(open.impact['therapy-interruption-minutes']).toBeGreaterThan(0);
    expect(hardened).toMatchObject({ attack: 'attack.forged-pause', seeds: 2, prevented: 1 });
    expect(hardened.impact['therapy-interruption-minutes']).toBe(0);
    expect(outcome.stdout).toMatch(/forged-pause \(attack\.forged-pause\)\s+open\s+2\s+0%\s+100%/);
  });

  it("counts the patients whose data reached the attacker from the adversary's own ground truth", async () => {
    const json = join(dir, 'recon.json');
    const outcome = await medtwin(['matrix', 'scenarios/attacks/recon-wildcard.yaml', '--security', 'open,hardened', '--json', json]);
    expect(outcome.code).toBe(0);
    const matrix = JSON.parse(readFileSync(json, 'utf8')) as Matrix;
    // Open: the wildcard subscription reads the whole ward (two beds: records-exposed counts patients,
    // not their five devices); hardened: refused at CONNECT, nothing read.
    expect(matrix.rows.find((r) => r.profile === 'open')!.impact['records-exposed']).toBe(2);
    expect(matrix.rows.find((r) => r.profile === 'hardened')!.impact['records-exposed']).toBe(0);
  });

  it("charges an attack only with what the same seed shows without it: SlowITe through an access point's reboot", async () => {
    const json = join(dir, 'slowite.json');
    const outcome = await medtwin(['matrix', 'scenarios/attacks/slowite.yaml', '--security', 'open,hardened', '--json', json]);
    expect(outcome.code).toBe(0);
    const matrix = JSON.parse(readFileSync(json, 'utf8')) as Matrix;
    const open = matrix.rows.find((r) => r.profile === 'open')!;
    const hardened = matrix.rows.find((r) => r.profile === 'hardened')!;
    // Open: the devices coming back from the reboot are refused; hardened: the reboot's own outage is not the attack's.
    expect(open).toMatchObject({ prevented: 0 });
    expect(open.impact['devices-unavailable-minutes']).toBeGreaterThan(2);
    expect(hardened).toMatchObject({ prevented: 1 });
    expect(hardened.impact['devices-unavailable-minutes']).toBe(0);
  });

  it('refuses an unknown profile with exit 2', async () => {
    const outcome = await medtwin(['matrix', 'scenarios/attacks/forged-pause.yaml', '--security', 'open,fortress']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('fortress');
  });

  it('names file:line:col for a bad scenario with exit 2', async () => {
    const bad = join(dir, 'bad-duration.yaml');
    writeFileSync(bad, readFileSync('scenarios/attacks/forged-pause.yaml', 'utf8').replace('duration: 10m', 'duration: ten minutes'));
    const outcome = await medtwin(['matrix', bad, '--security', 'open']);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/bad-duration\.yaml:13:11/);
  });
});
