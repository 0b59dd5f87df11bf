import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { medtwin, startMedtwin } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'medtwin-study-'));

describe('medtwin run --seeds', () => {
  it('reports the study of every seed in JSON and JUnit', async () => {
    const json = join(dir, 'study.json');
    const junit = join(dir, 'study.xml');
    const outcome = await medtwin([
      'run',
      'test/fixtures/scenarios/pass.yaml',
      '--seeds',
      '4..6',
      '--reporter',
      'list',
      '--reporter',
      `json:${json}`,
      '--reporter',
      `junit:${junit}`,
    ]);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const study = JSON.parse(readFileSync(json, 'utf8'));
    expect(study).toMatchObject({ ok: true, passRate: 1, seeds: ['4', '5', '6'], replay: [] });
    expect(study.runs.map((r: { seed: string }) => r.seed)).toEqual(['4', '5', '6']);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    const names = [xml.testsuites.testsuite].flat().map((s: { name: string }) => s.name);
    expect(names).toEqual(['cli-pass [seed 4]', 'cli-pass [seed 5]', 'cli-pass [seed 6]', 'cli-pass [study, 3 seeds]']);
  });

  it('Ctrl-C keeps every finished seed in the study report, marked interrupted, and exits 130', async () => {
    const json = join(dir, 'interrupted.json');
    const { child, done } = startMedtwin([
      'run',
      'test/fixtures/scenarios/pass.yaml',
      '--seeds',
      '1..100000',
      '--reporter',
      'list',
      '--reporter',
      `json:${json}`,
    ]);
    // The list reporter prints a line per finished seed ("3/100000"): stop once three have.
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (d) => {
        text += String(d);
        if (/\b3\/100000\b/.test(text)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`medtwin exited (${code}) early:\n${text}`)));
    });
    child.kill('SIGINT');
    const outcome = await done;
    expect(outcome.code).toBe(130);
    expect(outcome.stderr).toContain('medtwin: SIGINT: stopping the run and writing its partial report');
    expect(outcome.stdout).toMatch(/■ STUDY INTERRUPTED {2}cli-pass · \d+ of 100000 seeds/);
    const study = JSON.parse(readFileSync(json, 'utf8'));
    expect(study.interrupted).toEqual({ signal: 'SIGINT', planned: 100_000 });
    expect(study.ok).toBe(false);
    expect(study.seeds.length).toBeGreaterThanOrEqual(3);
    expect(study.seeds.slice(0, 3)).toEqual(['1', '2', '3']);
    expect(study.runs).toHaveLength(study.seeds.length);
    expect(study.expectations[0].values).toHaveLength(study.seeds.length);
    expect(study.passRate).toBe(1);
  });
});
