import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { JunitReporter } from './junit.ts';
import { Spool } from './spool.ts';
import { sampleRunResult, sampleStudyResult } from '../../test/helpers/sample-result.ts';
import { FakeStream, tempDir } from '../../test/helpers/report-streams.ts';

interface Attrs {
  [key: string]: unknown;
}
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property', 'failure', 'error'].includes(name),
});

function parse(xml: string): {
  testsuites: Attrs & {
    testsuite: (Attrs & { testcase: (Attrs & { failure?: Attrs[]; error?: Attrs[] })[]; properties: { property: Attrs[] } })[];
  };
} {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml);
}

async function junitOf(feed: (r: JunitReporter) => void): Promise<string> {
  const stream = new FakeStream(false);
  const reporter = new JunitReporter({ stream });
  feed(reporter);
  await reporter.onEnd();
  return stream.text;
}

describe('JunitReporter', () => {
  it('writes a suite per run with a case per expectation plus transport delivery, counts matching', async () => {
    const path = join(tempDir(), 'reports', 'junit.xml');
    const reporter = new JunitReporter({ path });
    reporter.onRunEnd(sampleRunResult());
    const second = sampleRunResult();
    second.seed = '43';
    second.delivery.lost = 2;
    reporter.onRunEnd(second);
    await reporter.onEnd();
    const doc = parse(readFileSync(path, 'utf8')).testsuites;
    expect(doc.testsuite.map((s) => s.name)).toEqual(['icu-sensor-drift [seed 42]', 'icu-sensor-drift [seed 43]']);
    expect(doc.tests).toBe('8');
    expect(doc.failures).toBe('3');
    for (const suite of doc.testsuite) {
      expect(Number(suite.tests)).toBe(suite.testcase.length);
      expect(Number(suite.failures)).toBe(suite.testcase.filter((c) => c.failure).length);
      expect(suite.errors).toBe('0');
      expect(suite.skipped).toBe('0');
      expect(suite.time).toBe('4.210');
      // The seed is in the classname: CI tabs key a case by classname and name, and must not merge seeds.
      expect(new Set(suite.testcase.map((c) => c.classname))).toEqual(new Set([suite.name]));
      expect(suite.testcase.map((c) => c.name)).toEqual([
        'occlusion alarm within 5 min',
        'cgm accuracy',
        'twin notices the blackout',
        'transport delivery',
      ]);
    }
    const props = Object.fromEntries(doc.testsuite[0]!.properties.property.map((p) => [p.name, p.value]));
    expect(props).toMatchObject({ seed: '42', digest: sampleRunResult().digest, file: 'scenarios/icu-sensor-drift.yaml' });
    const failure = doc.testsuite[0]!.testcase[1]!.failure![0]!;
    expect(failure.type).toBe('accuracy.mard');
    expect(failure.message).toBe('cgm-01 MARD 12.4 % exceeds 10 % (sensor drift not detected) (measured 12.4 (<= 10 %))');
    expect(failure['#text']).toContain('evidence events: 2001, 3101');
    expect(failure['#text']).toContain('measured: 12.4');
    expect(failure['#text']).toContain('threshold: <= 10 %');
    expect(failure['#text']).toContain('replay: medtwin run scenarios/icu-sensor-drift.yaml --seed 42');
    const transport = doc.testsuite[1]!.testcase[3]!;
    expect(transport.failure![0]!.message).toBe('2 of 2,190 messages lost, 0 settle timeouts');
    expect(doc.testsuite[0]!.testcase[3]!.failure).toBeUndefined();
  });

  it('gives a realtime run its pace as suite properties', async () => {
    const path = join(tempDir(), 'junit.xml');
    const reporter = new JunitReporter({ path });
    reporter.onRunEnd({ ...sampleRunResult(), mode: 'realtime', realtime: { speed: 100, behindMs: 42_000, maxLagMs: 2100, pace: 0.93 } });
    await reporter.onEnd();
    const props = parse(readFileSync(path, 'utf8')).testsuites.testsuite[0]!.properties.property;
    expect(props).toContainEqual({ name: 'realtimePace', value: '0.93' });
    expect(props).toContainEqual({ name: 'realtimeBehindMs', value: '42000' });
  });

  it('escapes markup and drops characters XML cannot hold', async () => {
    const nasty = sampleRunResult();
    nasty.scenario.name = `a<b>&"c"'d'`;
    nasty.expectations[1]!.name = '</testcase><injected/>';
    nasty.expectations[1]!.message = 'bad \u0001 byte & <tag> "quoted"';
    nasty.expectations[1]!.threshold = '<= 10 %';
    const xml = await junitOf((r) => r.onRunEnd(nasty));
    expect(xml).not.toContain('<injected/>');
    expect(xml).not.toContain('\u0001');
    const suite = parse(xml).testsuites.testsuite[0]!;
    expect(suite.name).toBe(`a<b>&"c"'d' [seed 42]`);
    expect(suite.testcase).toHaveLength(4);
    expect(suite.testcase[1]!.name).toBe('</testcase><injected/>');
    expect(suite.testcase[1]!.failure![0]!['#text']).toContain('bad \uFFFD byte & <tag> "quoted"');
  });

  it('adds a study suite whose pass-rate case fails with the replay commands', async () => {
    const xml = await junitOf((r) => r.onStudyEnd(sampleStudyResult()));
    const doc = parse(xml).testsuites;
    expect(doc.testsuite[0]!.name).toBe('icu-sensor-drift [study, 10 seeds]');
    expect(doc.tests).toBe('1');
    expect(doc.failures).toBe('1');
    const failure = doc.testsuite[0]!.testcase[0]!.failure![0]!;
    expect(failure.message).toBe('pass rate 80.0 % over 10 seeds');
    expect(failure['#text']).toContain('2 of 10 seeds failed');
    expect(failure['#text']).toContain('cgm accuracy: pass rate 80.0 %, p50 9.1, p95 12.6');
    expect(failure['#text']).toContain('replay: medtwin run scenarios/icu-sensor-drift.yaml --seed 9');
  });

  it('gives every case the file and line of its expectation, and what was measured even when it passed', async () => {
    const dir = tempDir();
    const file = join(dir, 'scenario.yaml');
    writeFileSync(
      file,
      [
        'name: icu-sensor-drift',
        'duration: 6h',
        'fleet:',
        '  zones: [{ id: icu, beds: 1, devices: { cgm: 1 } }]',
        'expectations:',
        '  - type: detection',
        '    name: occlusion alarm within 5 min',
        '    of: occlusion',
        '    expect: { alarm: occlusion.downstream }',
        '    within: 5m',
        '  - { type: metric, name: cgm accuracy, metric: mard, max: 10 }',
        '',
        '  - type: invariant',
        '    name: twin notices the blackout',
        '    invariant: no-stale-devices',
      ].join('\n'),
    );
    const run = sampleRunResult();
    run.scenario.file = file;
    const suite = parse(await junitOf((r) => r.onRunEnd(run))).testsuites.testsuite[0]!;
    expect(suite.testcase.map((c) => [c.name, c.file, c.line])).toEqual([
      ['occlusion alarm within 5 min', file, '6'],
      ['cgm accuracy', file, '11'],
      ['twin notices the blackout', file, '13'],
      ['transport delivery', file, '3'],
    ]);
    const passing = suite.testcase[0]!;
    expect(passing.failure).toBeUndefined();
    expect(passing['system-out']).toContain('measured: 1');
    expect(passing['system-out']).toContain('threshold:');
  });

  it('adds an error case for a scenario file that does not validate, at its first problem', async () => {
    const xml = await junitOf((r) =>
      r.onInvalidFile({
        file: 'scenarios/broken.yaml',
        problems: [
          { line: 14, col: 9, path: 'timeline[2].at', message: 'expected a duration like "30s", received "soon"' },
          { line: 20, col: 3, path: 'fleet', message: 'missing' },
        ],
      }),
    );
    const doc = parse(xml).testsuites;
    expect(doc).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    const c = doc.testsuite[0]!.testcase[0]!;
    expect(c).toMatchObject({ name: 'scenario file is valid', file: 'scenarios/broken.yaml', line: '14' });
    expect(c.error![0]!.message).toBe('2 problems in scenarios/broken.yaml: nothing of it ran');
    expect(c.error![0]!['#text']).toContain('scenarios/broken.yaml:14:9 timeline[2].at: expected a duration like "30s", received "soon"');
  });

  it('writes nothing when no run finished', async () => {
    expect(await junitOf(() => {})).toBe('');
  });
});

describe('JunitReporter over a long study', () => {
  it('spools suites to a temporary file past its memory limit and still writes one valid document with every suite', async () => {
    const path = join(tempDir(), 'long', 'junit.xml');
    const spool = new Spool(2048);
    const reporter = new JunitReporter({ path }, spool);
    for (let seed = 1; seed <= 40; seed++) reporter.onRunEnd({ ...sampleRunResult(), seed: String(seed) });
    const file = spool.file;
    expect(file).toBeDefined();
    await reporter.onEnd();
    const doc = parse(readFileSync(path, 'utf8'));
    expect(doc.testsuites.testsuite).toHaveLength(40);
    expect(doc.testsuites.testsuite.map((s) => s.name)).toContain('icu-sensor-drift [seed 40]');
    const cases = doc.testsuites.testsuite.reduce((n, s) => n + s.testcase.length, 0);
    expect(Number(doc.testsuites.tests)).toBe(cases);
    expect(existsSync(file!)).toBe(false);
  });
});
