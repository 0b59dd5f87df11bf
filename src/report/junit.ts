import type { RunResult, StudyResult } from '../scenario/result.ts';
import { escapeXml } from './escape.ts';
import {
  describeMeasurement,
  formatPercent,
  formatValue,
  idsLine,
  integrityLine,
  replayCommand,
  securityLine,
  transportCheck,
} from './format.ts';
import { writeOutputParts } from './output.ts';
import type { InvalidFile, Reporter, ReporterOptions } from './reporter.ts';
import { scenarioLines } from './scenario-lines.ts';
import { Spool } from './spool.ts';

interface Suite {
  tests: number;
  failures: number;
  errors: number;
  seconds: number;
  xml: string;
}

/** Where a test case is written: the scenario file and the line of the expectation in it. */
interface Place {
  file?: string | undefined;
  line?: number | undefined;
}

interface Outcome {
  /** A check that did not hold (`<failure>`), or a file that could not be run at all (`<error>`). */
  kind: 'failure' | 'error';
  message: string;
  type: string;
  body: string;
}

/**
 * JUnit XML for CI test tabs (GitLab, Jenkins, GitHub test-report actions): a <testsuite> per run
 * ("scenario [seed N]") with a <testcase> per expectation plus "transport delivery", and for a study
 * a suite whose "pass rate" case fails when the study does. Each case carries `file` and `line` (where
 * the expectation is written), a classname naming scenario and seed (so the seeds of a study are not
 * merged into one test by CI), and what was measured in `<system-out>`, passing or not. A scenario file
 * that does not validate is a suite with one `<error>` case, so CI shows a red test rather than "no
 * test report found". Suites are built as runs end and spooled (spool.ts), so a long study's memory stays flat.
 */
export class JunitReporter implements Reporter {
  readonly #options: ReporterOptions;
  // Totals for <testsuites>, and the suites' XML, spooled to a temporary file past 1 MB.
  readonly #totals = { suites: 0, tests: 0, failures: 0, errors: 0, seconds: 0 };
  readonly #spool: Spool;

  constructor(options: ReporterOptions = {}, spool = new Spool()) {
    this.#options = options;
    this.#spool = spool;
  }

  onRunEnd(result: RunResult): void {
    this.#add(runSuite(result));
  }

  onStudyEnd(study: StudyResult): void {
    this.#add(studySuite(study));
  }

  onInvalidFile(invalid: InvalidFile): void {
    this.#add(invalidSuite(invalid));
  }

  async onEnd(): Promise<void> {
    if (this.#totals.suites === 0) return;
    try {
      await writeOutputParts(this.#document(), this.#options);
    } finally {
      this.#spool.dispose();
    }
  }

  #add(suite: Suite): void {
    const t = this.#totals;
    t.suites++;
    t.tests += suite.tests;
    t.failures += suite.failures;
    t.errors += suite.errors;
    t.seconds += suite.seconds;
    this.#spool.append(`${suite.xml}\n`);
  }

  async *#document(): AsyncGenerator<string | Buffer> {
    const t = this.#totals;
    yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="medtwin" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="0" time="${seconds(t.seconds)}">\n`;
    yield* this.#spool.read();
    yield '</testsuites>\n';
  }
}

function runSuite(r: RunResult): Suite {
  const classname = `${r.scenario.name} [seed ${r.seed}]`;
  const replay = replayCommand(r);
  const file = r.scenario.file;
  const lines = scenarioLines(file, r.expectations.length);
  const cases = r.expectations.map((e, i) => {
    const measured = [`measured: ${formatValue(e.measured)}`, `threshold: ${e.threshold}`, e.message];
    const place = { file, line: lines.expectations[i] };
    if (e.passed) return testcase(classname, e.name, place, measured.join('\n'));
    const body = [
      e.message,
      `measured: ${formatValue(e.measured)}`,
      `threshold: ${e.threshold}`,
      `evidence events: ${e.evidence.length > 0 ? e.evidence.join(', ') : 'none'}`,
      `replay: ${replay}`,
    ];
    return testcase(classname, e.name, place, measured.join('\n'), {
      kind: 'failure',
      message: `${e.message} (${describeMeasurement(e)})`,
      type: e.type,
      body: body.join('\n'),
    });
  });
  const transport = transportCheck(r);
  const d = r.delivery;
  const counts = [
    `published: ${d.published}`,
    `delivered to twin: ${d.deliveredToTwin}`,
    `lost: ${d.lost}`,
    `settle timeouts: ${d.settleTimeouts}`,
  ];
  const fleet = { file, line: lines.fleet };
  cases.push(
    transport.passed
      ? testcase(classname, transport.name, fleet, counts.join('\n'))
      : testcase(classname, transport.name, fleet, counts.join('\n'), {
          kind: 'failure',
          message: transport.message,
          type: 'transport',
          body: [...counts, `replay: ${replay}`].join('\n'),
        }),
  );
  if (r.interrupted) {
    const message = `stopped by ${r.interrupted.signal} after ${r.simulatedMs} of ${r.durationMs} simulated ms: a partial run`;
    cases.push(testcase(classname, 'run completed', { file }, '', { kind: 'failure', message, type: 'interrupted', body: message }));
  }
  const integrity = integrityLine(r);
  if (integrity) {
    const body = (r.integrity?.first ?? []).map((e) => `${e.patient} at ${e.t} ms (event #${e.eventId}): ${e.reason}`).join('\n');
    cases.push(testcase(classname, 'physiology valid', { file }, '', { kind: 'failure', message: integrity, type: 'integrity', body }));
  }
  const failures =
    r.expectations.filter((e) => !e.passed).length + (transport.passed ? 0 : 1) + (r.interrupted ? 1 : 0) + (integrity ? 1 : 0);
  const properties = {
    seed: r.seed,
    digest: r.digest,
    mode: r.mode,
    simulatedMs: String(r.simulatedMs),
    events: String(r.events),
    file,
    ...(r.interrupted ? { interrupted: r.interrupted.signal } : {}),
    ...(r.realtime ? { realtimePace: String(r.realtime.pace), realtimeBehindMs: String(r.realtime.behindMs) } : {}),
    ...(r.security ? { security: securityLine(r) } : {}),
    ...(r.ids ? { ids: idsLine(r), idsAlerts: String(r.ids.alerts) } : {}),
  };
  return suite(`${r.scenario.name} [seed ${r.seed}]`, cases, { failures, errors: 0 }, r.wallMs / 1000, properties);
}

function studySuite(s: StudyResult): Suite {
  const classname = `${s.scenario.name} [study, ${s.seeds.length} seeds]`;
  const failing = s.runs.filter((r) => !r.ok);
  const lines = [
    `${failing.length} of ${s.runs.length} seeds failed`,
    ...s.expectations.map(
      (e) =>
        `${e.name}: pass rate ${formatPercent(e.passRate)}${e.measured ? `, p50 ${formatValue(e.measured.p50)}, p95 ${formatValue(e.measured.p95)}` : ''}`,
    ),
    ...s.replay.map((command) => `replay: ${command}`),
  ];
  const message = `pass rate ${formatPercent(s.passRate)} over ${s.seeds.length} seeds`;
  const place = { file: s.scenario.file, line: scenarioLines(s.scenario.file, 0).fleet };
  const cases = [
    s.ok
      ? testcase(classname, 'pass rate', place, lines.join('\n'))
      : testcase(classname, 'pass rate', place, lines.join('\n'), { kind: 'failure', message, type: 'study', body: lines.join('\n') }),
  ];
  const properties = { seeds: s.seeds.join(','), passRate: String(s.passRate), file: s.scenario.file };
  return suite(classname, cases, { failures: s.ok ? 0 : 1, errors: 0 }, s.wallMs / 1000, properties);
}

/** A file that did not validate: one case, in error, at the first problem's line. */
function invalidSuite(invalid: InvalidFile): Suite {
  const { file, problems } = invalid;
  const count = problems.length;
  const body = problems.map((p) => `${file}:${p.line}:${p.col} ${p.path === '' ? '' : `${p.path}: `}${p.message}`).join('\n');
  const cases = [
    testcase(file, 'scenario file is valid', { file, line: problems[0]?.line }, '', {
      kind: 'error',
      message: `${count} problem${count === 1 ? '' : 's'} in ${file}: nothing of it ran`,
      type: 'scenario',
      body,
    }),
  ];
  return suite(`${file} [invalid]`, cases, { failures: 0, errors: 1 }, 0, { file });
}

function suite(
  name: string,
  cases: string[],
  counts: { failures: number; errors: number },
  secs: number,
  properties: Record<string, string | undefined>,
): Suite {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
  const xml = [
    `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${counts.failures}" errors="${counts.errors}" skipped="0" time="${seconds(secs)}">`,
    '    <properties>',
    ...props,
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ].join('\n');
  return { tests: cases.length, ...counts, seconds: secs, xml };
}

function testcase(classname: string, name: string, place: Place, out: string, outcome?: Outcome): string {
  // Expectations are judged after the run, so a case has no duration of its own.
  const where = `${place.file === undefined ? '' : ` file="${escapeXml(place.file)}"`}${place.line === undefined ? '' : ` line="${place.line}"`}`;
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}"${where} time="0"`;
  const inner: string[] = [];
  if (outcome)
    inner.push(
      `      <${outcome.kind} message="${escapeXml(outcome.message)}" type="${escapeXml(outcome.type)}">${escapeXml(outcome.body)}</${outcome.kind}>`,
    );
  if (out !== '') inner.push(`      <system-out>${escapeXml(out)}</system-out>`);
  if (inner.length === 0) return `${open}/>`;
  return `${open}>\n${inner.join('\n')}\n    </testcase>`;
}

function seconds(s: number): string {
  return s.toFixed(3);
}

export function createJunitReporter(options: ReporterOptions = {}): Reporter {
  return new JunitReporter(options);
}
