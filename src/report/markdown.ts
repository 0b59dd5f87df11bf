import { formatDuration, formatSimTime } from '../core/duration.ts';
import type { RunResult, StudyResult } from '../scenario/result.ts';
import { CollectingReporter, type ResultCollector } from './collector.ts';
import { escapeMarkdownCell as cell, markdownCode as code } from './escape.ts';
import {
  integrityLine,
  securityLine,
  campaignLines,
  idsLine,
  describePace,
  figureRows,
  formatCount,
  formatFigure,
  formatFigures,
  formatPercent,
  formatValue,
  formatWall,
  measuredText,
  replayCommand,
  sortPriorities,
  thresholdText,
  transportCheck,
} from './format.ts';
import { writeOutput } from './output.ts';
import type { InvalidFile, Reporter, ReporterOptions } from './reporter.ts';

/** GitHub caps a job summary at 1 MiB; long fleets list their problem devices first, then stop. */
const MAX_DEVICE_ROWS = 50;

/**
 * A Markdown report for a GitHub job summary or a pull-request comment: a roll-up table of every run,
 * study and invalid file first, then a section each (the long tables folded in <details>). With no
 * path it appends to $GITHUB_STEP_SUMMARY when that is set (as GitHub asks steps to), and otherwise
 * prints to stdout.
 */
export class MarkdownReporter extends CollectingReporter {
  readonly #options: ReporterOptions;
  readonly #invalid: InvalidFile[] = [];

  constructor(options: ReporterOptions = {}) {
    super();
    this.#options = options;
  }

  onInvalidFile(invalid: InvalidFile): void {
    this.#invalid.push(invalid);
  }

  override async onEnd(): Promise<void> {
    if (this.results.empty && this.#invalid.length === 0) return;
    await this.write(this.results);
  }

  protected async write(results: ResultCollector): Promise<void> {
    const text = [
      rollupMarkdown(results.runs, results.studies, this.#invalid),
      ...this.#invalid.map(invalidMarkdown),
      ...results.runs.map(runMarkdown),
      ...results.studies.map(studyMarkdown),
    ].join('\n');
    const summary = process.env.GITHUB_STEP_SUMMARY;
    if (this.#options.path === undefined && summary) await writeOutput(text, { path: summary, append: true });
    else await writeOutput(text, this.#options);
  }
}

/** One line per run, study and invalid file: the first thing a reviewer reads. */
export function rollupMarkdown(runs: readonly RunResult[], studies: readonly StudyResult[], invalid: readonly InvalidFile[] = []): string {
  const failedRuns = runs.filter((r) => !r.ok).length + studies.filter((s) => !s.ok).length + invalid.length;
  const total = runs.length + studies.length + invalid.length;
  const rows = [
    ...invalid.map((f) => [
      mark(false),
      code(f.file),
      '—',
      `invalid: ${f.problems.length} problem${f.problems.length === 1 ? '' : 's'}`,
      '',
      '',
      '',
    ]),
    ...runs.map((r) => {
      const failing = [
        ...r.expectations.filter((e) => !e.passed).map((e) => e.name),
        ...(transportCheck(r).passed ? [] : ['transport delivery']),
      ];
      const checks = r.expectations.length + 1;
      return [
        mark(r.ok),
        cell(r.scenario.name),
        code(r.seed),
        `${checks - failing.length}/${checks} passed`,
        cell(failing.join(', ')),
        formatDuration(r.simulatedMs),
        formatWall(r.wallMs),
      ];
    }),
    ...studies.map((s) => {
      const failing = s.expectations.filter((e) => e.passRate < 1).map((e) => `${e.name} (${formatPercent(e.passRate)})`);
      return [
        mark(s.ok),
        `${cell(s.scenario.name)} (study)`,
        `${s.seeds.length} seeds`,
        `${formatPercent(s.passRate)} of seeds passed`,
        cell(failing.join(', ')),
        `${formatDuration(s.scenario.durationMs)} each`,
        formatWall(s.wallMs),
      ];
    }),
  ];
  const verdict = failedRuns === 0 ? `✅ all ${total} passed` : `❌ ${failedRuns} of ${total} failed`;
  return [
    `## medtwin: ${verdict}`,
    '',
    table(['', 'Scenario', 'Seed', 'Checks', 'Failing', 'Simulated', 'Wall'], rows, ['---', '---', '---', '---', '---', '---:', '---:']),
    '',
  ].join('\n');
}

/** A scenario file that did not validate, with every problem at its place. */
export function invalidMarkdown(f: InvalidFile): string {
  return [
    `## ❌ ${code(f.file)} — invalid, nothing of it ran`,
    '',
    '```text',
    ...f.problems.map((p) => `${f.file}:${p.line}:${p.col} ${p.path === '' ? '' : `${p.path}: `}${p.message}`),
    '```',
    '',
  ].join('\n');
}

/** A folded section: GitHub renders the table inside once opened (the blank line after the summary matters). */
function folded(summary: string, body: string[]): string[] {
  return [`<details><summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

function table(header: string[], rows: string[][], align?: string[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align ?? header.map(() => '---')), ...rows.map(line)].join('\n');
}

const mark = (passed: boolean) => (passed ? '✅' : '❌');

/** The Markdown section for one run. */
export function runMarkdown(r: RunResult): string {
  const out: string[] = [];
  out.push(`## ${mark(r.ok)} ${cell(r.scenario.name)} — ${r.ok ? 'passed' : 'failed'}`, '');
  if (r.scenario.description) out.push(cell(r.scenario.description), '');
  const integrity = integrityLine(r);
  if (integrity) out.push(`> ❌ **${cell(integrity)}**`, '');
  const d = r.delivery;
  out.push(
    table(
      ['Seed', 'Digest', 'Simulated', 'Wall', 'Events', 'Published', 'Delivered', 'Lost', 'Gaps', 'Settle timeouts'],
      [
        [
          code(r.seed),
          code(r.digest.slice(0, 16)),
          formatDuration(r.simulatedMs),
          formatWall(r.wallMs),
          formatCount(r.events),
          formatCount(d.published),
          formatCount(d.deliveredToTwin),
          formatCount(d.lost),
          formatCount(d.sequenceGaps),
          formatCount(d.settleTimeouts),
        ],
      ],
    ),
    '',
  );
  if (r.realtime) out.push(`Realtime pace: ${cell(describePace(r.realtime))}`, '');
  const security = securityLine(r);
  if (security) out.push(`Security: ${cell(security)}`, '');
  for (const line of campaignLines(r)) out.push(`Patch campaign: ${cell(line)}`, '');
  const ids = idsLine(r);
  if (ids) out.push(`Intrusion detection: ${cell(ids)}`, '');
  if (r.ids && r.ids.first.length > 0) {
    const shown = r.ids.first.slice(0, MARKDOWN_ALERTS);
    out.push(
      table(
        ['Time', 'Severity', 'Rule', 'Techniques', 'Client', 'Device', 'Summary', 'Event'],
        shown.map((a) => [
          formatSimTime(a.t),
          cell(a.severity),
          cell(a.rule),
          cell(a.techniques.join(', ')),
          code(a.clientId),
          a.device === undefined ? '' : code(a.device),
          cell(a.summary),
          `#${a.eventId}`,
        ]),
      ),
      '',
    );
    if (r.ids.alerts > shown.length) out.push(`The first ${shown.length} of ${formatCount(r.ids.alerts)} alerts are shown.`, '');
  }
  if (!r.ok) out.push(`Replay: ${code(replayCommand(r))}`, '');

  out.push('### Expectations', '');
  const transport = transportCheck(r);
  out.push(
    table(
      ['', 'Expectation', 'Type', 'Measured', 'Threshold', 'Message', 'Evidence'],
      [
        ...r.expectations.map((e) => [
          mark(e.passed),
          cell(e.name),
          cell(e.type),
          cell(measuredText(e)),
          cell(thresholdText(e.threshold)),
          cell(e.message),
          e.evidence.map((id) => `#${id}`).join(', '),
        ]),
        [
          mark(transport.passed),
          transport.name,
          'transport',
          formatCount(d.lost),
          '0 lost, 0 settle timeouts',
          cell(transport.message),
          '',
        ],
      ],
    ),
    '',
  );

  out.push('### Devices', '');
  const devices = [...r.devices].sort((a, b) => Number(b.missing > 0 || b.alarmsRaised > 0) - Number(a.missing > 0 || a.alarmsRaised > 0));
  const shown = devices.slice(0, MAX_DEVICE_ROWS);
  const troubled = devices.filter((d) => d.missing > 0 || d.alarmsRaised > 0).length;
  const deviceLines = [
    table(
      ['Device', 'Kind', 'Zone', 'State', 'Published', 'Delivered', 'Missing', 'Alarms', 'Accuracy'],
      shown.map((v) => [
        code(v.id),
        cell(v.kind),
        cell(v.zone),
        cell(v.finalState),
        formatCount(v.published),
        formatCount(v.deliveredToTwin),
        formatCount(v.missing),
        formatCount(v.alarmsRaised),
        cell(formatFigures(v.accuracy)),
      ]),
      ['---', '---', '---', '---', '---:', '---:', '---:', '---:', '---'],
    ),
  ];
  if (devices.length > shown.length)
    deviceLines.push('', `…and ${formatCount(devices.length - shown.length)} more devices without missing telemetry or alarms.`);
  out.push(...folded(`${formatCount(devices.length)} devices, ${formatCount(troubled)} with alarms or missing telemetry`, deviceLines));

  out.push('### Alarms', '');
  if (r.alarms.total === 0) out.push('No alarms.', '');
  else {
    const priorities = sortPriorities(Object.keys(r.alarms.byPriority));
    out.push(
      `${formatCount(r.alarms.total)} alarms: ${priorities.map((p) => `${formatCount(r.alarms.byPriority[p] ?? 0)} ${cell(p)}`).join(', ')}.`,
      '',
    );
    const alarmLines = [
      table(
        ['Time', 'Device', 'Priority', 'Code', 'Message'],
        r.alarms.first.map((a) => [
          formatSimTime(a.t),
          code(a.device),
          cell(a.priority),
          code(a.code),
          cell(a.message) + (a.suppressed ? ' (suppressed)' : ''),
        ]),
      ),
    ];
    if (r.alarms.first.length < r.alarms.total)
      alarmLines.push('', `First ${r.alarms.first.length} of ${formatCount(r.alarms.total)} shown.`);
    out.push(...folded(`Alarm list (${formatCount(r.alarms.first.length)})`, alarmLines));
  }
  if (r.twin.stale.length > 0 || r.twin.diverged.length > 0) {
    out.push(
      `Twin at the end: stale ${r.twin.stale.map(code).join(', ') || 'none'}; diverged ${r.twin.diverged.map(code).join(', ') || 'none'}.`,
      '',
    );
  }

  out.push('### Injections', '');
  if (r.injections.length === 0) out.push('None.', '');
  else {
    out.push(
      table(
        ['Id', 'Fault', 'Category', 'Device', 'From', 'Until', 'Parameters'],
        r.injections.map((i) => [
          code(i.id),
          cell(i.fault),
          cell(i.category),
          code(i.device),
          formatSimTime(i.at),
          i.until === null ? 'end' : formatSimTime(i.until),
          code(JSON.stringify(i.params)),
        ]),
      ),
      '',
    );
  }
  return out.join('\n');
}

/** The Markdown section for a study. */
export function studyMarkdown(s: StudyResult): string {
  const failing = s.runs.filter((r) => !r.ok).length;
  const out = [
    `## ${mark(s.ok)} ${cell(s.scenario.name)} — study of ${s.seeds.length} seeds`,
    '',
    `Pass rate **${formatPercent(s.passRate)}** (${s.runs.length - failing} passed, ${failing} failed) in ${formatWall(s.wallMs)}.`,
    '',
    table(
      ['', 'Expectation', 'Type', 'Pass rate', 'p50', 'p95', 'Min', 'Max'],
      s.expectations.flatMap((e) => {
        const m = e.measured;
        const row = [
          mark(e.passRate === 1),
          cell(e.name),
          cell(e.type),
          formatPercent(e.passRate),
          m ? formatValue(m.p50) : '—',
          m ? formatValue(m.p95) : '—',
          m ? formatValue(m.min) : '—',
          m ? formatValue(m.max) : '—',
        ];
        const figures = figureRows(e.figures)
          .filter((f) => f.name !== 'sensitivity')
          .map((f) => [
            '',
            `↳ ${cell(f.label)}`,
            '',
            '',
            formatFigure(f.name, f.d.p50),
            formatFigure(f.name, f.d.p95),
            formatFigure(f.name, f.d.min),
            formatFigure(f.name, f.d.max),
          ]);
        return [row, ...figures];
      }),
      ['---', '---', '---', '---:', '---:', '---:', '---:', '---:'],
    ),
    '',
  ];
  if (s.replay.length > 0) out.push('Replay the failing seeds:', '', '```sh', ...s.replay, '```', '');
  return out.join('\n');
}

export function createMarkdownReporter(options: ReporterOptions = {}): Reporter {
  return new MarkdownReporter(options);
}

/** Alerts a Markdown report lists in full (the JSON report keeps the first 50). */
const MARKDOWN_ALERTS = 20;
