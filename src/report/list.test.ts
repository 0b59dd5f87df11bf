import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunStatus } from '../runtime/run.ts';
import { ListReporter } from './list.ts';
import type { RunBeginInfo } from './reporter.ts';
import { sampleRunResult, sampleStudyResult } from '../../test/helpers/sample-result.ts';
import { FakeStream, tempDir } from '../../test/helpers/report-streams.ts';

const HOUR = 3_600_000;
const info: RunBeginInfo = {
  scenario: 'icu-sensor-drift',
  seed: '42',
  durationMs: 6 * HOUR,
  devices: 3,
  brokerUrl: 'mqtt://127.0.0.1:41883',
  mode: 'fast',
};
const ANSI = /\x1b\[\d+m/;

/** Status every 1 s of simulated time for 6 h, as the runner emits it; wall time 1 ms per 6 s simulated. */
function statuses(): RunStatus[] {
  const out: RunStatus[] = [];
  for (let simMs = 60_000; simMs <= 6 * HOUR; simMs += 60_000) {
    out.push({
      phase: simMs === 6 * HOUR ? 'finished' : 'running',
      simMs,
      durationMs: 6 * HOUR,
      wallMs: simMs / 6000,
      speed: 'max',
      messages: simMs / 10_000,
      delivered: simMs / 10_000,
      events: simMs / 1000,
    });
  }
  return out;
}

afterEach(() => vi.unstubAllEnvs());

describe('ListReporter realtime pace', () => {
  const summary = (result: ReturnType<typeof sampleRunResult>) => {
    const stream = new FakeStream(false);
    new ListReporter({ stream, color: false }).onRunEnd(result);
    return stream.chunks.join('');
  };

  it('says a realtime run kept pace, and names a large backlog it caught up', () => {
    const out = summary({ ...sampleRunResult(), mode: 'realtime', realtime: { speed: 1, behindMs: 8, maxLagMs: 1800, pace: 1 } });
    expect(out).toMatch(/pace\s+kept pace at ×1, largest backlog 1\.8s, caught up/);
    expect(out).not.toContain('fell behind');
    // At ×20 the same backlog is 90 ms of wall time: not worth a mention.
    expect(summary({ ...sampleRunResult(), mode: 'realtime', realtime: { speed: 20, behindMs: 8, maxLagMs: 1800, pace: 1 } })).toMatch(
      /kept pace at ×20\n/,
    );
  });

  it('warns when a realtime run fell behind, by how much, and what to do', () => {
    const out = summary({ ...sampleRunResult(), mode: 'realtime', realtime: { speed: 100, behindMs: 42_000, maxLagMs: 2100, pace: 0.93 } });
    expect(out).toContain('fell behind at ×100: 42.0s of simulated time ran late (93.0 % of the asked speed)');
    expect(out).toContain('lower --speed, or use fast mode');
  });

  it('prints no pace line for a fast run', () => {
    expect(summary(sampleRunResult())).not.toMatch(/\bpace\b/);
  });
});

describe('ListReporter progress', () => {
  it('on a terminal rewrites one line in place, at most every 100 ms of wall time', () => {
    const stream = new FakeStream(true);
    const reporter = new ListReporter({ stream, color: false });
    reporter.onBegin(info);
    const all = statuses();
    for (const s of all) reporter.onProgress(s);
    const redraws = stream.chunks.filter((c) => c.startsWith('\r\x1b[K'));
    // 3600 s of wall-equivalent at 10 ms per status: one redraw per 100 ms, plus the final one.
    expect(redraws.length).toBeGreaterThan(30);
    expect(redraws.length).toBeLessThan(all.length / 5);
    expect(redraws.every((c) => !c.includes('\n'))).toBe(true);
    expect(redraws.at(-1)).toContain('06:00:00 / 06:00:00');
    expect(redraws.at(-1)).toContain('100%');
    expect(redraws[0]).toMatch(/00:01:00 \/ 06:00:00\s+0%\s+6 messages\s+×6,000/);
    // The summary starts on a cleared line.
    reporter.onRunEnd(sampleRunResult());
    expect(stream.chunks.at(-2)).toBe('\r\x1b[K');
  });

  it('off a terminal prints one line per 10 % and never a carriage return', () => {
    const stream = new FakeStream(false);
    const reporter = new ListReporter({ stream });
    reporter.onBegin(info);
    for (const s of statuses()) reporter.onProgress(s);
    const lines = stream.text.trim().split('\n').slice(1);
    expect(lines).toHaveLength(10);
    expect(lines.map((l) => l.match(/(\d+)%/)?.[1])).toEqual(['10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
    expect(stream.text).not.toContain('\r');
    expect(stream.text).not.toMatch(ANSI);
  });
});

describe('ListReporter summary', () => {
  it('shows the run facts, every expectation with measured vs threshold, and the closing count', () => {
    const stream = new FakeStream(false);
    const reporter = new ListReporter({ stream });
    reporter.onBegin(info);
    reporter.onRunEnd(sampleRunResult());
    const text = stream.text;
    expect(text).toContain('✗ FAILED  icu-sensor-drift · seed 42');
    expect(text).toContain('9f2c4b1e8a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615e4d3');
    expect(text).toContain('6h simulated in 4.2s (×5,131)');
    expect(text).toMatch(/delivery\s+2,190 published · 2,187 delivered · 0 lost · 3 gaps/);
    expect(text).toMatch(/alarms\s+5: 2 high · 2 medium · 1 low/);
    expect(text).toMatch(/twin\s+stale: cgm-01 · diverged: none/);
    expect(text).toMatch(/✓ occlusion alarm within 5 min\s+measured 180,000 \(<= 300000 ms\)\s+pump-01 raised/);
    expect(text).toMatch(/✗ cgm accuracy\s+measured 12.4 \(<= 10 %\)\s+cgm-01 MARD 12.4 %/);
    expect(text).toContain('evidence: events #2001, #3101');
    expect(text).toMatch(/✓ transport delivery\s+all 2,190 messages delivered/);
    expect(text).toContain('replay: medtwin run scenarios/icu-sensor-drift.yaml --seed 42');
    expect(text.trimEnd().split('\n')).toContain('3 passed, 1 failed');
  });

  it('says where the clients run when a large fleet has a link thread', () => {
    const stream = new FakeStream(false);
    const reporter = new ListReporter({ stream });
    reporter.onBegin({ ...info, devices: 1200, links: 'link-thread' });
    reporter.onBegin({ ...info, links: 'in-thread' });
    reporter.onBegin({
      ...info,
      devices: 1200,
      links: 'in-thread',
      linksNote: 'kept on the simulation thread: network faults run their sessions on its clock',
    });
    const [large, small, kept] = stream.text.split('\n').filter((line) => line.startsWith('Running'));
    expect(large).toMatch(/1200 devices .* broker mqtt:\/\/127\.0\.0\.1:41883 · clients on a link thread$/);
    expect(small).not.toContain('link thread');
    expect(small).not.toContain('clients');
    // A large fleet the run kept in-thread says why.
    expect(kept).toMatch(/1200 devices .* · clients kept on the simulation thread: network faults run their sessions on its clock$/);
  });

  it('replays a run with its --duration when the duration was overridden', () => {
    const stream = new FakeStream(false);
    const reporter = new ListReporter({ stream });
    reporter.onBegin(info);
    reporter.onRunEnd({ ...sampleRunResult(), durationMs: 90 * 60_000 });
    expect(stream.text).toContain('replay: medtwin run scenarios/icu-sensor-drift.yaml --seed 42 --duration 1h30m');
  });

  it('fails the transport check when messages were lost', () => {
    const stream = new FakeStream(false);
    const reporter = new ListReporter({ stream });
    const result = sampleRunResult();
    result.delivery.lost = 7;
    reporter.onRunEnd(result);
    expect(stream.text).toMatch(/✗ transport delivery\s+7 of 2,190 messages lost, 0 settle timeouts/);
    expect(stream.text.split('\n')).toContain('2 passed, 2 failed');
  });

  it('colours a terminal, but not with NO_COLOR or color: false, and color: true forces it', () => {
    // The caller's own NO_COLOR (many users set it globally) must not decide the case "unset".
    const run = (options: { color?: boolean }, noColor?: string) => {
      vi.stubEnv('NO_COLOR', noColor);
      const stream = new FakeStream(true);
      new ListReporter({ stream, ...options }).onRunEnd(sampleRunResult());
      vi.unstubAllEnvs();
      return stream.text;
    };
    expect(run({})).toMatch(ANSI);
    expect(run({}, '1')).not.toMatch(ANSI);
    expect(run({}, '')).toMatch(ANSI);
    expect(run({ color: false })).not.toMatch(ANSI);
    expect(run({ color: true }, '1')).toMatch(ANSI);
  });

  it('for a study prints a line per seed, then pass rates, p50/p95 and replay commands', () => {
    const stream = new FakeStream(false);
    const reporter = new ListReporter({ stream });
    const study = sampleStudyResult();
    study.runs.forEach((run, index) => {
      reporter.onBegin({ ...info, seed: run.seed, study: { index, count: study.runs.length } });
      for (const s of statuses()) reporter.onProgress(s);
      const result = sampleRunResult();
      result.seed = run.seed;
      result.ok = run.ok;
      if (run.ok) result.expectations.forEach((e) => (e.passed = true));
      reporter.onRunEnd(result);
    });
    reporter.onStudyEnd(study);
    const lines = stream.text.split('\n');
    expect(lines[0]).toBe('Study icu-sensor-drift · 10 seeds · 6h simulated each · 3 devices · fast');
    expect(lines.filter((l) => /^\s+[✓✗] \d+\/10 seed/.test(l))).toHaveLength(10);
    expect(lines.find((l) => l.includes('4/10 seed 4'))).toContain('failed: cgm accuracy');
    expect(stream.text).not.toMatch(/\d+%/); // no per-seed progress lines in a log
    expect(stream.text).toContain('✗ STUDY FAILED  icu-sensor-drift · 10 seeds · pass rate 80.0 %');
    expect(stream.text).toMatch(/✗ cgm accuracy\s+80.0 %\s+9.1\s+12.6/);
    expect(stream.text).toMatch(/✓ occlusion alarm within 5 min\s+100.0 %\s+1\s+1/);
    // Detection latency over seeds, as durations.
    expect(stream.text).toMatch(/↳ latency p50\s+3m\s+4m/);
    expect(lines).toContain('  medtwin run scenarios/icu-sensor-drift.yaml --seed 9');
    expect(lines).toContain('seeds: 8 passed, 2 failed');
  });

  it('closes several scenarios with a total, and writes to a file when given a path', async () => {
    const path = join(tempDir(), 'deep', 'list.txt');
    const reporter = new ListReporter({ path, stream: new FakeStream(true), color: true });
    const passing = sampleRunResult();
    passing.ok = true;
    reporter.onBegin(info);
    reporter.onRunEnd(sampleRunResult());
    reporter.onBegin(info);
    reporter.onRunEnd(passing);
    await reporter.onEnd();
    const text = readFileSync(path, 'utf8');
    expect(text.trimEnd().split('\n').at(-1)).toBe('scenarios: 1 passed, 1 failed');
    expect(text).not.toMatch(ANSI);
  });
});
