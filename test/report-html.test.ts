import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { HtmlReporter } from '../src/report/html.ts';
import { sampleRunResult, sampleStudyResult } from './helpers/sample-result.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const REQUIRE_CHROMIUM = process.env.MEDTWIN_REQUIRE_CHROMIUM === '1';

async function writeReport(busy = false): Promise<{ path: string; html: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'medtwin-html-'));
  const path = join(dir, 'nested', 'report.html');
  const reporter = new HtmlReporter({ path });
  const run = sampleRunResult();
  run.expectations[2]!.message = 'stale after <script>alert("x")</script> & co';
  if (busy) crowd(run);
  reporter.onBegin({
    scenario: run.scenario.name,
    seed: run.seed,
    durationMs: run.simulatedMs,
    devices: 3,
    brokerUrl: run.broker.url,
    mode: 'fast',
  });
  await reporter.onRunEnd(run);
  await reporter.onStudyEnd(sampleStudyResult());
  await reporter.onEnd();
  return { path, html: readFileSync(path, 'utf8') };
}

/**
 * What makes a report hard to lay out: two faults starting a minute apart on one chart (their labels
 * collide unless stacked), limits near the bottom of a plot, long names, a fleet's worth of devices.
 */
function crowd(run: ReturnType<typeof sampleRunResult>): void {
  const hr = run.series.find((s) => s.signal === 'hr')!;
  hr.faults = [
    { fault: 'sensor.bias', from: 3.4 * 3_600_000, to: 3.9 * 3_600_000 },
    { fault: 'device.ecg-lead-off', from: 3.4 * 3_600_000 + 60_000, to: 3.6 * 3_600_000 },
    { fault: 'net.down', from: 5.95 * 3_600_000, to: null },
  ];
  run.alarms.first.push({
    id: 9_001,
    t: 3.41 * 3_600_000,
    device: 'mon-01',
    code: 'hr.low',
    priority: 'medium',
    message: 'HR low',
    parameter: 'hr',
    limit: 40,
  });
  const template = run.devices[1]!;
  for (let i = 2; i <= 40; i++)
    run.devices.push({
      ...template,
      id: `patient-monitor-${String(i).padStart(3, '0')}-with-a-long-name`,
      alarmsRaised: i % 3,
      missing: i % 7 === 0 ? 2 : 0,
    });
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;
/** The part of the page between two markers (a section of the report). */
const between = (text: string, from: string, to: string) => text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from)));

describe('HTML report', () => {
  it('is one self-contained, well-formed file with every part of the run', async () => {
    const { html } = await writeReport();
    expect(html.startsWith('<!doctype html>\n')).toBe(true);
    expect(XMLValidator.validate(html.slice('<!doctype html>\n'.length))).toBe(true);
    // Nothing fetched: no scripts, stylesheets, images, fonts or imports; links are in-page anchors.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=/i);
    // Every link is an in-page anchor, and leads to an element of the page.
    const links = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(links.slice(0, 2)).toEqual(['#run-1', '#study-1']);
    for (const link of links) {
      expect(link).toMatch(/^#/);
      expect(html, `no element has the id of ${link}`).toContain(`id="${link.slice(1)}"`);
    }
    expect(html).toContain('stale after &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');

    const run = between(html, '<section class="run"', '</section>');
    expect(run).toContain('<h2>icu-sensor-drift</h2>');
    expect(run).toContain('<code>42</code>');
    expect(run).toContain(sampleRunResult().digest);
    expect(run).toContain('<span class="badge fail">FAILED</span>');

    // A figure per series, each with measured and truth lines; the CGM shows both fault windows.
    const figures = run.split(/<figure[ >]/).slice(1);
    expect(figures).toHaveLength(3);
    for (const figure of figures) {
      expect(figure).toContain('stroke="#2563eb"');
      expect(figure).toContain('stroke-dasharray="5 3"');
      expect(count(figure, /<polyline /)).toBeGreaterThanOrEqual(2);
    }
    expect(count(figures[0]!, /<g class="band">/)).toBe(2);
    // The CGM's measured line breaks at the blackout gap: two runs, so two polylines in its colour group.
    expect(count(between(figures[0]!, 'stroke="#2563eb" fill="#2563eb"', '</g>'), /<polyline /)).toBe(2);

    const timeline = between(run, '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"', '</svg>');
    expect(count(timeline, /<g class="lane">/)).toBe(3);
    expect(count(timeline, /<circle class="alarm alarm-high"/)).toBe(2);
    expect(count(timeline, /<circle class="alarm alarm-medium"/)).toBe(2);
    expect(count(timeline, /<circle class="alarm alarm-low"[^>]*fill="none"/)).toBe(1);
    expect(count(timeline, /<rect class="fault"/)).toBe(3);

    const expectations = between(run, '<h3>Expectations</h3>', '</table>');
    expect(count(expectations, /<tr[ >]/)).toBe(1 + 3 + 1);
    expect(count(expectations, /<tr class="failed">/)).toBe(1);
    expect(count(between(run, '<h3>Devices</h3>', '</table>'), /<tr>/)).toBe(1 + 3);
    expect(count(between(run, '<h3>Injections</h3>', '</table>'), /<tr[ >]/)).toBe(1 + 3);

    const study = between(html, '<section class="study"', '</section>');
    expect(study).toContain('80.0 %');
    expect(study).toContain('medtwin run scenarios/icu-sensor-drift.yaml --seed 9');
    expect(count(study, /<tr class="failed"><td data-label=""><span class="bad">✗<\/span><\/td><td class="mono" data-label="Seed">/)).toBe(
      2,
    );
  });

  it('lays out at 1400 and 800 px wide with no clipped table and no overlapping label (issue 18, broken 8)', {
    timeout: 180_000,
  }, async (context) => {
    if (!CHROMIUM) {
      if (REQUIRE_CHROMIUM) throw new Error('MEDTWIN_REQUIRE_CHROMIUM=1 but chromium is not installed (apt-get install -y chromium)');
      context.skip('chromium is not installed (apt-get install -y chromium); set MEDTWIN_REQUIRE_CHROMIUM=1 to make this a failure');
    }
    const { path } = await writeReport(true);
    expect(layoutProblems(path, 1400)).toEqual([]);
    expect(layoutProblems(path, 800)).toEqual([]);
  });

  it('renders to a non-blank picture in headless Chromium', async (context) => {
    if (!CHROMIUM) {
      if (REQUIRE_CHROMIUM) throw new Error('MEDTWIN_REQUIRE_CHROMIUM=1 but chromium is not installed (apt-get install -y chromium)');
      context.skip('chromium is not installed (apt-get install -y chromium); set MEDTWIN_REQUIRE_CHROMIUM=1 to make this a failure');
    }
    const { path } = await writeReport();
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-chromium-'));
    const png = join(dir, 'report.png');
    const result = chromium(dir, [`--screenshot=${png}`, '--window-size=1280,2000', pathToFileURL(path).href]);
    expect(existsSync(png), `chromium wrote no screenshot: ${result.stderr}`).toBe(true);
    const image = decodePng(readFileSync(png));
    expect(image.width).toBe(1280);
    const stats = pixelStats(image);
    // Text, axes and the dark header: a blank or unstyled page has almost none of this.
    expect(stats.ink / stats.total).toBeGreaterThan(0.02);
    expect(stats.red).toBeGreaterThan(100); // FAILED badge, high-priority alarms
    expect(stats.blue).toBeGreaterThan(300); // measured signal lines
    expect(stats.orange).toBeGreaterThan(2_000); // shaded fault windows
  });
});

/** Headless Chromium with its own profile in `dir`, nothing fetched, no first-run chores. */
function chromium(dir: string, args: string[]) {
  return spawnSync(
    CHROMIUM!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${join(dir, 'profile')}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 90_000 },
  );
}

/**
 * Measures the page in headless Chromium at one window width, with a script added to a copy of the
 * report (the report itself has none): tables wider than their box, anything wider than the window,
 * and text labels of one chart or plot that overlap or leave it. Returns what it found, in words.
 */
function layoutProblems(reportPath: string, width: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'medtwin-layout-'));
  const page = join(dir, 'page.html');
  const measure = `<script>(() => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) problems.push('the page is ' + root.scrollWidth + ' px wide in a ' + root.clientWidth + ' px window');
    for (const box of document.querySelectorAll('div.scroll')) {
      if (box.getClientRects().length === 0) continue;
      if (box.scrollWidth > box.clientWidth + 1)
        problems.push('table clipped (' + box.scrollWidth + ' px in ' + box.clientWidth + ' px): ' + box.querySelector('th').textContent + ' …');
    }
    const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
    for (const svg of document.querySelectorAll('svg')) {
      const frame = svg.getBoundingClientRect();
      if (frame.width === 0) continue;
      const labels = [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() })).filter((l) => l.box.width > 0);
      for (const l of labels)
        if (l.box.left < frame.left - 1 || l.box.right > frame.right + 1) problems.push('label "' + l.text + '" leaves ' + svg.getAttribute('aria-label'));
      for (let i = 0; i < labels.length; i++)
        for (let j = i + 1; j < labels.length; j++)
          if (overlap(labels[i].box, labels[j].box) > 2) problems.push('labels overlap in ' + svg.getAttribute('aria-label') + ': "' + labels[i].text + '" and "' + labels[j].text + '"');
    }
    const out = document.createElement('pre');
    out.id = 'medtwin-layout';
    out.textContent = JSON.stringify(problems);
    document.body.append(out);
  })();</script>`;
  writeFileSync(page, readFileSync(reportPath, 'utf8').replace('</body>', `${measure}</body>`));
  const result = chromium(dir, [`--window-size=${width},1200`, '--dump-dom', pathToFileURL(page).href]);
  const found = /<pre id="medtwin-layout">([^<]*)<\/pre>/.exec(result.stdout);
  expect(found, `chromium printed no measurements: ${result.stderr}`).not.toBeNull();
  return JSON.parse(
    found![1]!
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  ) as string[];
}

interface Image {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Minimal PNG decoder (8-bit RGB/RGBA, no interlace), enough for Chromium's screenshots. */
function decodePng(file: Buffer): Image {
  expect(file.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('ascii', offset + 4, offset + 8);
    const data = file.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(channels, `colour type ${data[9]}`).toBeGreaterThan(0);
      expect(data[12]).toBe(0);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      out[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

function pixelStats(image: Image): { total: number; ink: number; red: number; blue: number; orange: number } {
  const stats = { total: image.width * image.height, ink: 0, red: 0, blue: 0, orange: 0 };
  for (let i = 0; i < image.data.length; i += image.channels) {
    const r = image.data[i]!;
    const g = image.data[i + 1]!;
    const b = image.data[i + 2]!;
    if (0.299 * r + 0.587 * g + 0.114 * b < 200) stats.ink++;
    if (r > 180 && g < 90 && b < 90) stats.red++;
    if (b > 180 && r < 90 && g < 150) stats.blue++;
    // The fault band: #f97316 at 16 % over white.
    if (r > 245 && g > 220 && g < 240 && b > 205 && b < 225) stats.orange++;
  }
  return stats;
}
