import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { escapeMarkdownCell, markdownCode } from './escape.ts';
import { MarkdownReporter, rollupMarkdown, runMarkdown, studyMarkdown } from './markdown.ts';
import { sampleRunResult, sampleStudyResult } from '../../test/helpers/sample-result.ts';
import { FakeStream, tempDir } from '../../test/helpers/report-streams.ts';

afterEach(() => vi.unstubAllEnvs());

/** The rows of the table under a heading, as arrays of trimmed cells (escaped pipes kept inside cells). */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) continue;
    rows.push(
      line
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) => c.trim()),
    );
  }
  return rows.filter((r) => !r.every((c) => /^-+:?$/.test(c)));
}

describe('runMarkdown', () => {
  it('has tables of expectations, devices, alarms and injections with one row per item', () => {
    const md = runMarkdown(sampleRunResult());
    expect(md.split('\n')[0]).toBe('## ❌ icu-sensor-drift — failed');
    expect(md).toContain('Replay: `medtwin run scenarios/icu-sensor-drift.yaml --seed 42`');
    const expectations = tableAfter(md, '### Expectations');
    expect(expectations).toHaveLength(1 + 3 + 1);
    expect(expectations[2]).toEqual([
      '❌',
      'cgm accuracy',
      'accuracy.mard',
      '12.4 %',
      '&lt;= 10 %',
      'cgm-01 MARD 12.4 % exceeds 10 % (sensor drift not detected)',
      '#2001, #3101',
    ]);
    expect(expectations[4]![1]).toBe('transport delivery');
    const devices = tableAfter(md, '### Devices');
    expect(devices[0]).toEqual(['Device', 'Kind', 'Zone', 'State', 'Published', 'Delivered', 'Missing', 'Alarms', 'Accuracy']);
    expect(devices.slice(1).map((r) => r[0])).toEqual(['`pump-01`', '`mon-01`', '`cgm-01`']);
    expect(devices[3]).toContain('mard 12.4 · clarkeA 81.9');
    expect(md).toContain('5 alarms: 2 high, 2 medium, 1 low.');
    expect(tableAfter(md, '### Alarms')).toHaveLength(1 + 5);
    expect(md).toContain('(suppressed)');
    const injections = tableAfter(md, '### Injections');
    expect(injections).toHaveLength(1 + 3);
    expect(injections[2]).toEqual(['`occlude`', 'pump.occlusion', 'device', '`pump-01`', '04:25:00', 'end', '`{"side":"downstream"}`']);
  });

  it('says whether a realtime run kept pace, and nothing of it for a fast run', () => {
    const slow = runMarkdown({
      ...sampleRunResult(),
      mode: 'realtime',
      realtime: { speed: 100, behindMs: 42_000, maxLagMs: 2100, pace: 0.93 },
    });
    expect(slow).toContain('Realtime pace: fell behind at ×100: 42.0s of simulated time ran late (93.0 % of the asked speed)');
    expect(runMarkdown(sampleRunResult())).not.toContain('Realtime pace');
  });

  it('keeps table cells intact whatever the text holds', () => {
    const r = sampleRunResult();
    r.expectations[0]!.name = 'a | b\nc <script>*x*</script>';
    const row = tableAfter(runMarkdown(r), '### Expectations')[1]!;
    expect(row).toHaveLength(7);
    expect(row[1]).toBe('a \\| b c &lt;script&gt;\\*x\\*&lt;/script&gt;');
    expect(escapeMarkdownCell('_`[x]`_')).toBe('\\_\\`\\[x\\]\\`\\_');
    expect(markdownCode('a`b|c')).toBe('`` a`b\\|c ``');
  });

  it('lists problem devices first and caps long fleets', () => {
    const r = sampleRunResult();
    const base = r.devices[0]!;
    r.devices = Array.from({ length: 120 }, (_, i) => ({
      ...base,
      id: `pump-${String(i).padStart(3, '0')}`,
      missing: i === 99 ? 4 : 0,
      alarmsRaised: 0,
    }));
    const md = runMarkdown(r);
    const rows = tableAfter(md, '### Devices');
    expect(rows).toHaveLength(1 + 50);
    expect(rows[1]![0]).toBe('`pump-099`');
    expect(md).toContain('…and 70 more devices without missing telemetry or alarms.');
  });
});

describe('rollupMarkdown (issue 18)', () => {
  it('comes first: one row per run, study and invalid file, with durations for people', () => {
    const md = rollupMarkdown(
      [sampleRunResult()],
      [sampleStudyResult()],
      [{ file: 'scenarios/broken.yaml', problems: [{ line: 3, col: 1, path: 'fleet', message: 'missing' }] }],
    );
    expect(md.split('\n')[0]).toBe('## medtwin: ❌ 3 of 3 failed');
    expect(tableAfter(md, '## medtwin: ❌ 3 of 3 failed')).toEqual([
      ['', 'Scenario', 'Seed', 'Checks', 'Failing', 'Simulated', 'Wall'],
      ['❌', '`scenarios/broken.yaml`', '—', 'invalid: 1 problem', '', '', ''],
      ['❌', 'icu-sensor-drift', '`42`', '3/4 passed', 'cgm accuracy', '6h', '4.2s'],
      ['❌', 'icu-sensor-drift (study)', '10 seeds', '80.0 % of seeds passed', 'cgm accuracy (80.0 %)', '6h each', '41.0s'],
    ]);
  });

  it('states latencies as durations and percentages with their unit', () => {
    const rows = tableAfter(runMarkdown(sampleRunResult()), '### Expectations');
    expect(rows[1]!.slice(3, 5)).toEqual(['3m', '&lt;= 5m']);
  });
});

describe('studyMarkdown', () => {
  it('shows pass rates, percentiles and the replay commands', () => {
    const md = studyMarkdown(sampleStudyResult());
    expect(md).toContain('Pass rate **80.0 %** (8 passed, 2 failed)');
    const rows = tableAfter(md, '## ❌ icu-sensor-drift — study of 10 seeds');
    // The detection's latency figure follows its row.
    expect(rows[2]).toEqual(['', '↳ latency p50', '', '', '3m', '4m', '2m', '4m10s']);
    expect(rows[3]).toEqual(['❌', 'cgm accuracy', 'accuracy.mard', '80.0 %', '9.1', '12.6', '7.9', '12.9']);
    expect(md).toContain(
      '```sh\nmedtwin run scenarios/icu-sensor-drift.yaml --seed 4\nmedtwin run scenarios/icu-sensor-drift.yaml --seed 9\n```',
    );
  });
});

describe('MarkdownReporter', () => {
  it('appends to $GITHUB_STEP_SUMMARY when no path is given', async () => {
    const summary = join(tempDir(), 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    const stream = new FakeStream(false);
    const reporter = new MarkdownReporter({ stream });
    reporter.onRunEnd(sampleRunResult());
    await reporter.onEnd();
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## medtwin: ❌ 1 of 1 failed\n')).toBe(true);
    expect(text).toContain('\n## ❌ icu-sensor-drift — failed');
    expect(stream.text).toBe('');
  });

  it('prints to the stream without a summary file, and writes a path when given one', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    const stream = new FakeStream(false);
    const reporter = new MarkdownReporter({ stream });
    reporter.onRunEnd(sampleRunResult());
    reporter.onStudyEnd(sampleStudyResult());
    await reporter.onEnd();
    expect(stream.text).toContain('## ❌ icu-sensor-drift — failed');
    expect(stream.text).toContain('study of 10 seeds');

    const path = join(tempDir(), 'a', 'b.md');
    const toFile = new MarkdownReporter({ path });
    toFile.onRunEnd(sampleRunResult());
    await toFile.onEnd();
    expect(readFileSync(path, 'utf8')).toBe(`${rollupMarkdown([sampleRunResult()], [])}\n${runMarkdown(sampleRunResult())}`);
  });
});
