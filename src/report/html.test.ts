import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alarmTimeline } from './alarm-timeline.ts';
import { HtmlReporter, renderHtml } from './html.ts';
import { sampleRunResult } from '../../test/helpers/sample-result.ts';
import { tempDir } from '../../test/helpers/report-streams.ts';

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

describe('renderHtml', () => {
  it('is deterministic: the same result renders to the same bytes', () => {
    expect(renderHtml([sampleRunResult()])).toBe(renderHtml([sampleRunResult()]));
  });

  it("shows a realtime run's pace among its facts", () => {
    const html = renderHtml([{ ...sampleRunResult(), mode: 'realtime', realtime: { speed: 1, behindMs: 5, maxLagMs: 40, pace: 1 } }]);
    expect(html).toContain('<dt>pace</dt><dd>kept pace at ×1</dd>');
    expect(renderHtml([sampleRunResult()])).not.toContain('<dt>pace</dt>');
  });

  it('escapes every piece of text that came from a scenario or the wire', () => {
    const r = sampleRunResult();
    r.scenario.name = '<img onerror=x>';
    r.scenario.tags = ['"><b>'];
    r.devices[0]!.id = 'pump-<01>';
    r.alarms.first[0]!.message = '</title><script>';
    r.series[0]!.signal = '<svg onload=x>';
    r.injections[0]!.params = { payload: '</td><script>' };
    const html = renderHtml([r]);
    expect(html).not.toMatch(/<img|<b>|<script|<svg onload/);
    expect(html).toContain('&lt;img onerror=x&gt;');
    expect(html).toContain('pump-&lt;01&gt;');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;');
  });

  it('says what it left out of a run too large to draw whole', () => {
    const r = sampleRunResult();
    const cgm = r.series[0]!;
    r.series = Array.from({ length: 60 }, (_, i) => ({ ...cgm, device: `cgm-${String(i).padStart(2, '0')}` }));
    const html = renderHtml([r]);
    expect(count(html, /<figure[ >]/)).toBe(48);
    expect(html).toContain('12 more signals not plotted');
  });

  it('notes a run with no alarms and no injections instead of an empty timeline', () => {
    const r = sampleRunResult();
    r.alarms = { total: 0, byPriority: {}, byCode: {}, first: [] };
    r.injections = [];
    const html = renderHtml([r]);
    expect(html).toContain('No alarms and no injections.');
    expect(html).not.toContain('class="timeline"');
  });
});

describe('alarmTimeline', () => {
  it('places markers by time along the lane of their device', () => {
    const svg = alarmTimeline({
      durationMs: 1000,
      injections: [],
      alarms: [
        { id: 1, t: 0, device: 'b', code: 'x', priority: 'high', message: 'm' },
        { id: 2, t: 1000, device: 'a', code: 'y', priority: 'low', message: 'm' },
      ],
    });
    const markers = [...svg.matchAll(/<circle class="alarm alarm-(\w+)" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => ({
      p: m[1],
      x: Number(m[2]),
      y: Number(m[3]),
    }));
    // Lanes sorted by device id: "a" above "b"; t=0 at the left edge, t=end at the right.
    expect(markers[0]).toMatchObject({ p: 'high', x: 150 });
    expect(markers[1]).toMatchObject({ p: 'low', x: 1084 });
    expect(markers[1]!.y).toBeLessThan(markers[0]!.y);
  });

  it('caps the lanes and says how many devices it left out', () => {
    const alarms = Array.from({ length: 45 }, (_, i) => ({
      id: i,
      t: i,
      device: `d${String(i).padStart(2, '0')}`,
      code: 'c',
      priority: 'medium',
      message: 'm',
    }));
    const svg = alarmTimeline({ durationMs: 100, injections: [], alarms });
    expect(count(svg, /<g class="lane">/)).toBe(40);
    expect(svg).toContain('5 more devices not shown');
  });
});

describe('HtmlReporter', () => {
  it("writes to its path, creating directories, and keeps a study's seeds out of the page", async () => {
    const path = join(tempDir(), 'a', 'b', 'report.html');
    const reporter = new HtmlReporter({ path });
    reporter.onBegin({ scenario: 's', seed: '1', durationMs: 1, devices: 3, brokerUrl: 'x', mode: 'fast', study: { index: 0, count: 1 } });
    reporter.onRunEnd(sampleRunResult());
    await reporter.onEnd();
    // The study never ended, so its one seed is all there was: nothing kept, nothing written.
    expect(existsSync(path)).toBe(false);
    reporter.onBegin({ scenario: 's', seed: '1', durationMs: 1, devices: 3, brokerUrl: 'x', mode: 'fast' });
    reporter.onRunEnd(sampleRunResult());
    await reporter.onEnd();
    expect(count(readFileSync(path, 'utf8'), /<section class="run"/)).toBe(1);
  });
});

describe('study section', () => {
  it('plots each measured value over the seeds against its bound, and flags a near miss', async () => {
    const { sampleStudyResult } = await import('../../test/helpers/sample-result.ts');
    const study = sampleStudyResult();
    // Latency p95 within 5 % of its 300 s bound, every seed passing: a near miss.
    study.expectations.push({
      name: 'occlusion latency',
      type: 'metric',
      passRate: 1,
      threshold: '<= 300000 ms',
      measured: { n: 10, min: 250_000, p50: 270_000, p95: 296_000, max: 296_000, mean: 271_000 },
      values: [250_000, 260_000, 265_000, 268_000, 270_000, 272_000, 275_000, 280_000, 288_000, 296_000],
    });
    const html = renderHtml([], [study]);
    expect(count(html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="distribution"/)).toBe(3);
    expect(count(html, /near miss/)).toBe(2); // the table flag and the plot's caption, for the latency only
    expect(html).toContain('occlusion latency <span class="tag near-miss">near miss</span>');
    expect(html).toContain('>bound &lt;= 10</text>');
    // The two failing seeds are drawn apart from the passing ones.
    expect(count(html, /fill="#dc2626" fill-opacity="0.7"/)).toBe(2);
  });
});
