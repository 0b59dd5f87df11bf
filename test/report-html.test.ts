import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { HtmlReporter } from '../src/report/html.ts';
import { sampleRunResult, sampleStudyResult } from '../src/report/sample-result.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const REQUIRE_CHROMIUM = process.env.MEDTWIN_REQUIRE_CHROMIUM === '1';

async function writeReport(): Promise<{ path: string; html: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'medtwin-html-'));
  const path = join(dir, 'nested', 'report.html');
  const reporter = new HtmlReporter({ path });
  const run = sampleRunResult();
  run.expectations[2]!.message = 'stale after <script>alert("x")</script> & co';
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
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(['#run-1', '#study-1']);
    expect(html).toContain('stale after &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');

    const run = between(html, '<section class="run"', '</section>');
    expect(run).toContain('<h2>icu-sensor-drift</h2>');
    expect(run).toContain('<code>42</code>');
    expect(run).toContain(sampleRunResult().digest);
    expect(run).toContain('<span class="badge fail">FAILED</span>');

    // A figure per series, each with measured and truth lines; the CGM shows both fault windows.
    const figures = run.split('<figure>').slice(1);
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
    expect(count(between(run, '<h3>Injections</h3>', '</table>'), /<tr>/)).toBe(1 + 3);

    const study = between(html, '<section class="study"', '</section>');
    expect(study).toContain('80.0 %');
    expect(study).toContain('medtwin run scenarios/icu-sensor-drift.yaml --seed 9');
    expect(count(study, /<tr class="failed"><td><span class="bad">✗<\/span><\/td><td class="mono">/)).toBe(2);
  });

  it('renders to a non-blank picture in headless Chromium', async (context) => {
    if (!CHROMIUM) {
      if (REQUIRE_CHROMIUM) throw new Error('MEDTWIN_REQUIRE_CHROMIUM=1 but chromium is not installed (apt-get install -y chromium)');
      context.skip('chromium is not installed (apt-get install -y chromium); set MEDTWIN_REQUIRE_CHROMIUM=1 to make this a failure');
    }
    const { path } = await writeReport();
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-chromium-'));
    const png = join(dir, 'report.png');
    const result = spawnSync(
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
        `--screenshot=${png}`,
        '--window-size=1280,2000',
        pathToFileURL(path).href,
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
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
