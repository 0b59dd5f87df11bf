import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonReporter, toJson } from './json.ts';
import type { RunBeginInfo } from './reporter.ts';
import { sampleRunResult, sampleStudyResult } from '../../test/helpers/sample-result.ts';
import { FakeStream, tempDir } from '../../test/helpers/report-streams.ts';

const info: RunBeginInfo = { scenario: 'icu-sensor-drift', seed: '42', durationMs: 1000, devices: 3, brokerUrl: 'mqtt://x', mode: 'fast' };

describe('JsonReporter', () => {
  it('writes a single run as the RunResult itself, creating parent directories', async () => {
    const path = join(tempDir(), 'out', 'nested', 'result.json');
    const reporter = new JsonReporter({ path });
    reporter.onBegin(info);
    await reporter.onRunEnd(sampleRunResult());
    await reporter.onEnd();
    const parsed = JSON.parse(readFileSync(path, 'utf8'));
    expect(parsed).toEqual(sampleRunResult());
    expect(parsed.ok).toBe(false);
    expect(parsed.devices.map((d: { id: string }) => d.id)).toEqual(['pump-01', 'mon-01', 'cgm-01']);
    expect(parsed.expectations.filter((e: { passed: boolean }) => !e.passed)).toHaveLength(1);
  });

  it('keeps point arrays on one line', async () => {
    const stream = new FakeStream(false);
    const reporter = new JsonReporter({ stream });
    await reporter.onRunEnd(sampleRunResult());
    await reporter.onEnd();
    expect(stream.text).toContain('"points": [\n        [0, 113.9, 110.4],\n        [300000, 111.6, 110.6],\n');
    expect(stream.text).toContain('"tags": ["cgm", "fault"]');
    expect(stream.text.endsWith('}\n')).toBe(true);
  });

  it("wraps several runs and studies with a top-level ok, folding a study's own runs into it", async () => {
    const stream = new FakeStream(false);
    const reporter = new JsonReporter({ stream });
    const other = sampleRunResult();
    other.scenario.name = 'other';
    other.ok = true;
    reporter.onBegin(info);
    reporter.onRunEnd(other);
    const study = sampleStudyResult();
    for (const seed of study.seeds) {
      // A caller that does not flag the study's seeds: the study still replaces them.
      reporter.onBegin({ ...info, seed });
      reporter.onRunEnd({ ...sampleRunResult(), seed });
    }
    reporter.onStudyEnd(study);
    await reporter.onEnd();
    const doc = JSON.parse(stream.text);
    expect(doc.ok).toBe(false);
    expect(doc.runs.map((r: { scenario: { name: string } }) => r.scenario.name)).toEqual(['other']);
    expect(doc.studies).toHaveLength(1);
    expect(doc.studies[0].replay).toEqual(study.replay);
  });

  it('writes a lone study as the StudyResult, and nothing when nothing ran', async () => {
    const stream = new FakeStream(false);
    const reporter = new JsonReporter({ stream });
    reporter.onBegin({ ...info, study: { index: 0, count: 10 } });
    reporter.onRunEnd(sampleRunResult());
    reporter.onStudyEnd(sampleStudyResult());
    await reporter.onEnd();
    expect(JSON.parse(stream.text)).toEqual(sampleStudyResult());

    const empty = new FakeStream(false);
    await new JsonReporter({ stream: empty }).onEnd();
    expect(empty.text).toBe('');
  });
});

describe('toJson', () => {
  it('matches JSON.stringify semantics: undefined dropped, non-finite as null', () => {
    const value = { a: undefined, b: [1, Number.NaN, 'x'], c: {}, d: [], e: [{ f: null }] };
    expect(JSON.parse(toJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
    expect(toJson(value)).toBe('{\n  "b": [1, null, "x"],\n  "c": {},\n  "d": [],\n  "e": [\n    {\n      "f": null\n    }\n  ]\n}');
  });
});
