import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../scenario/result.ts';
import { renderHtml } from './html.ts';
import { JsonReporter } from './json.ts';
import { JunitReporter } from './junit.ts';
import { ListReporter } from './list.ts';
import { MarkdownReporter } from './markdown.ts';
import type { Reporter } from './reporter.ts';
import { sampleRunResult } from '../../test/helpers/sample-result.ts';
import { SummaryLineReporter } from './summary-line.ts';
import { FakeStream } from '../../test/helpers/report-streams.ts';

/** The sample run with an impossible glucose: every expectation passed, the run still is not ok. */
function invalidRun(): RunResult {
  const r = sampleRunResult();
  for (const e of r.expectations) e.passed = true;
  r.ok = false;
  r.integrity = {
    ok: false,
    errors: 2,
    first: [
      {
        eventId: 812,
        t: 9_000_000,
        patient: 'P-001',
        signal: 'glucose',
        value: 4.2,
        reason: 'glucose 4.2 is below the physiological bound 10',
      },
      {
        eventId: 900,
        t: 9_600_000,
        patient: 'P-001',
        signal: 'state',
        value: 'NaN',
        reason: 'glucose model state x[0] is NaN: the solver diverged',
      },
    ],
  };
  return r;
}

async function write(make: (stream: FakeStream) => Reporter, run: RunResult): Promise<string> {
  const stream = new FakeStream(false);
  const reporter = make(stream);
  reporter.onRunEnd?.(run);
  await reporter.onEnd?.();
  return stream.text;
}

const LINE =
  'INTEGRITY ERROR: 2 impossible patient states (physiology.invalid): first P-001 at 02:30:00, glucose 4.2 is below the physiological bound 10';

describe('run integrity in every reporter', () => {
  it('list, markdown and html print one clear line and never say passed', async () => {
    const list = await write((stream) => new ListReporter({ stream }), invalidRun());
    expect(list).toContain(LINE);
    expect(list).toContain('✗ FAILED');
    const markdown = await write((stream) => new MarkdownReporter({ stream }), invalidRun());
    expect(markdown).toContain(LINE);
    expect(markdown).toContain('— failed');
    const html = renderHtml([invalidRun()]);
    expect(html).toContain(`<p class="integrity-error" role="alert"><strong>${LINE.replace("'", '&#39;')}`);
    expect(html).not.toContain('>PASSED<');
  });

  it('json carries the integrity block and ok false', async () => {
    const doc = JSON.parse(await write((stream) => new JsonReporter({ stream }), invalidRun()));
    expect(doc.ok).toBe(false);
    expect(doc.integrity).toMatchObject({ ok: false, errors: 2 });
    expect(doc.integrity.first[1].value).toBe('NaN');
  });

  it('junit has a failing "physiology valid" case with each error in its body', async () => {
    const xml = await write((stream) => new JunitReporter({ stream }), invalidRun());
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => ['testsuite', 'testcase'].includes(n),
    }).parse(xml);
    const suite = doc.testsuites.testsuite[0];
    const integrity = suite.testcase.find((c: { name: string }) => c.name === 'physiology valid');
    expect(integrity.failure.type).toBe('integrity');
    expect(integrity.failure.message).toContain(LINE);
    expect(integrity.failure['#text']).toContain('P-001 at 9600000 ms (event #900): glucose model state x[0] is NaN');
    expect(Number(suite.failures)).toBe(1);
  });

  it('the one-line summary names the integrity failure', async () => {
    const stream = new FakeStream(false);
    const summary = new SummaryLineReporter(['json:out.json'], { stream });
    summary.onRunEnd(invalidRun());
    await summary.onEnd();
    expect(stream.text).toContain('physiology integrity');
  });

  it('a valid run has no integrity line', async () => {
    const r = sampleRunResult();
    r.integrity = { ok: true, errors: 0, first: [] };
    expect(await write((stream) => new ListReporter({ stream }), r)).not.toContain('INTEGRITY');
  });
});
