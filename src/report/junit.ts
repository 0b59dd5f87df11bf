import type { RunResult, StudyResult } from '../runtime/result.ts';
import { escapeXml } from './escape.ts';
import { describeMeasurement, formatPercent, formatValue, replayCommand, transportCheck } from './format.ts';
import { writeOutput } from './output.ts';
import type { Reporter, ReporterOptions } from './reporter.ts';

interface Suite {
  tests: number;
  failures: number;
  seconds: number;
  xml: string;
}

/**
 * JUnit XML for CI test tabs (GitLab, Jenkins, GitHub test-report actions): a <testsuite> per run
 * ("scenario [seed N]") with a <testcase> per expectation plus "transport delivery", and for a study
 * a suite whose "pass rate" case fails when the study does. Suites are built as runs end, so a study
 * of many seeds keeps only their XML, not their results.
 */
export class JunitReporter implements Reporter {
  readonly #options: ReporterOptions;
  readonly #suites: Suite[] = [];

  constructor(options: ReporterOptions = {}) {
    this.#options = options;
  }

  onRunEnd(result: RunResult): void {
    this.#suites.push(runSuite(result));
  }

  onStudyEnd(study: StudyResult): void {
    this.#suites.push(studySuite(study));
  }

  async onEnd(): Promise<void> {
    if (this.#suites.length === 0) return;
    await writeOutput(junitDocument(this.#suites), this.#options);
  }
}

function junitDocument(suites: Suite[]): string {
  const sum = (f: (s: Suite) => number) => suites.reduce((n, s) => n + f(s), 0);
  const head = `<testsuites name="medtwin" tests="${sum((s) => s.tests)}" failures="${sum((s) => s.failures)}" errors="0" skipped="0" time="${seconds(sum((s) => s.seconds))}">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites.map((s) => s.xml), '</testsuites>', ''].join('\n');
}

function runSuite(r: RunResult): Suite {
  const classname = r.scenario.name;
  const replay = replayCommand(r);
  const cases = r.expectations.map((e) => {
    if (e.passed) return testcase(classname, e.name);
    const body = [
      e.message,
      `measured: ${formatValue(e.measured)}`,
      `threshold: ${e.threshold}`,
      `evidence events: ${e.evidence.length > 0 ? e.evidence.join(', ') : 'none'}`,
      `replay: ${replay}`,
    ];
    return testcase(classname, e.name, { message: `${e.message} (${describeMeasurement(e)})`, type: e.type, body: body.join('\n') });
  });
  const transport = transportCheck(r);
  const d = r.delivery;
  cases.push(
    transport.passed
      ? testcase(classname, transport.name)
      : testcase(classname, transport.name, {
          message: transport.message,
          type: 'transport',
          body: [
            `published: ${d.published}`,
            `delivered to twin: ${d.deliveredToTwin}`,
            `lost: ${d.lost}`,
            `settle timeouts: ${d.settleTimeouts}`,
            `replay: ${replay}`,
          ].join('\n'),
        }),
  );
  if (r.interrupted) {
    const message = `stopped by ${r.interrupted.signal} after ${r.simulatedMs} of ${r.durationMs} simulated ms: a partial run`;
    cases.push(testcase(classname, 'run completed', { message, type: 'interrupted', body: message }));
  }
  const failures = r.expectations.filter((e) => !e.passed).length + (transport.passed ? 0 : 1) + (r.interrupted ? 1 : 0);
  const properties = {
    seed: r.seed,
    digest: r.digest,
    mode: r.mode,
    simulatedMs: String(r.simulatedMs),
    events: String(r.events),
    file: r.scenario.file,
    ...(r.interrupted ? { interrupted: r.interrupted.signal } : {}),
    ...(r.realtime ? { realtimePace: String(r.realtime.pace), realtimeBehindMs: String(r.realtime.behindMs) } : {}),
  };
  return suite(`${r.scenario.name} [seed ${r.seed}]`, cases, failures, r.wallMs / 1000, properties);
}

function studySuite(s: StudyResult): Suite {
  const classname = s.scenario.name;
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
  const cases = [
    s.ok ? testcase(classname, 'pass rate') : testcase(classname, 'pass rate', { message, type: 'study', body: lines.join('\n') }),
  ];
  const properties = { seeds: s.seeds.join(','), passRate: String(s.passRate), file: s.scenario.file };
  return suite(`${s.scenario.name} [study, ${s.seeds.length} seeds]`, cases, s.ok ? 0 : 1, s.wallMs / 1000, properties);
}

function suite(name: string, cases: string[], failures: number, secs: number, properties: Record<string, string | undefined>): Suite {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
  const xml = [
    `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(secs)}">`,
    '    <properties>',
    ...props,
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ].join('\n');
  return { tests: cases.length, failures, seconds: secs, xml };
}

function testcase(classname: string, name: string, failure?: { message: string; type: string; body: string }): string {
  // Expectations are judged after the run, so a case has no duration of its own.
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}" time="0"`;
  if (!failure) return `${open}/>`;
  return `${open}>\n      <failure message="${escapeXml(failure.message)}" type="${escapeXml(failure.type)}">${escapeXml(failure.body)}</failure>\n    </testcase>`;
}

function seconds(s: number): string {
  return s.toFixed(3);
}

export function createJunitReporter(options: ReporterOptions = {}): Reporter {
  return new JunitReporter(options);
}
