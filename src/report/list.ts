import { formatDuration, formatSimTime } from '../core/duration.ts';
import type { RealtimePace, RunResult, StudyResult } from '../scenario/result.ts';
import type { RunStatus } from '../runtime/run.ts';
import { palette, resolveColor, type Palette } from './colors.ts';
import {
  integrityLine,
  securityLine,
  campaignLines,
  idsAlertLine,
  idsLine,
  countChecks,
  describePace,
  figureRows,
  formatCount,
  formatFigure,
  formatFigures,
  formatPercent,
  formatValue,
  formatWall,
  keptPace,
  replayCommand,
  sortPriorities,
  transportCheck,
} from './format.ts';
import { isTTY, writeOutputParts } from './output.ts';
import { Spool } from './spool.ts';
import type { Reporter, ReporterOptions, RunBeginInfo } from './reporter.ts';

/** A terminal redraws the progress line at most this often (wall ms), however fast the run ticks. */
const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[K';

/**
 * The console reporter: a live progress line, then a summary per run and per study, and a closing
 * "N passed, M failed". On a terminal the progress line is rewritten in place; elsewhere (CI logs) a
 * line is printed each 10 % so the log stays short.
 */
export class ListReporter implements Reporter {
  readonly #stream: NodeJS.WritableStream;
  readonly #path: string | undefined;
  // With a path, what was printed waits here (a temporary file past a few MB: a long study's seed lines).
  readonly #buffer = new Spool();
  readonly #tty: boolean;
  readonly #c: Palette;
  #info: RunBeginInfo | undefined;
  #lastDecile = 0;
  #lastDrawWall = Number.NEGATIVE_INFINITY;
  #lineOpen = false;
  #printed = false;
  #blocks = { passed: 0, failed: 0 };

  constructor(options: ReporterOptions = {}) {
    this.#path = options.path;
    this.#stream = options.stream ?? process.stdout;
    this.#tty = this.#path === undefined && isTTY(this.#stream);
    this.#c = palette(this.#path === undefined && resolveColor(this.#stream, options.color));
  }

  onBegin(info: RunBeginInfo): void {
    this.#info = info;
    this.#lastDecile = 0;
    this.#lastDrawWall = Number.NEGATIVE_INFINITY;
    const c = this.#c;
    if (info.study) {
      if (info.study.index === 0)
        this.#print(
          `${c.bold('Study')} ${info.scenario} · ${info.study.count} seeds · ${formatDuration(info.durationMs)} simulated each · ${info.devices} devices · ${info.mode}`,
        );
      return;
    }
    const links = info.links === 'link-thread' ? ' · clients on a link thread' : info.linksNote ? ` · clients ${info.linksNote}` : '';
    this.#print(
      `${c.bold('Running')} ${info.scenario} · seed ${info.seed} · ${info.devices} devices · ${formatDuration(info.durationMs)} simulated · ${info.mode} · broker ${info.brokerUrl}${links}`,
    );
  }

  onProgress(status: RunStatus): void {
    if (this.#tty) {
      const final = status.phase === 'finished';
      if (!final && status.wallMs - this.#lastDrawWall < REDRAW_MS) return;
      this.#lastDrawWall = status.wallMs;
      this.#write(CLEAR_LINE + progressText(status, this.#info));
      this.#lineOpen = true;
      return;
    }
    // Non-interactive: one line per decile, and none for the seeds of a study (the seed lines suffice).
    if (this.#info?.study || status.durationMs <= 0) return;
    const decile = Math.min(10, Math.floor((status.simMs * 10) / status.durationMs));
    if (decile <= this.#lastDecile) return;
    this.#lastDecile = decile;
    this.#print(progressText(status, this.#info));
  }

  onRunEnd(result: RunResult): void {
    if (this.#info?.study) {
      this.#print(this.#seedLine(result));
      return;
    }
    this.#print(this.#runSummary(result));
    this.#blocks[result.ok ? 'passed' : 'failed']++;
  }

  onStudyEnd(study: StudyResult): void {
    this.#print(this.#studySummary(study));
    this.#blocks[study.ok ? 'passed' : 'failed']++;
    this.#info = undefined;
  }

  async onEnd(): Promise<void> {
    const { passed, failed } = this.#blocks;
    if (passed + failed > 1) this.#print(`scenarios: ${passed} passed, ${failed} failed`);
    if (this.#path !== undefined) {
      try {
        await writeOutputParts(this.#buffer.read(), { path: this.#path });
      } finally {
        this.#buffer.dispose();
      }
    }
  }

  #runSummary(r: RunResult): string {
    const c = this.#c;
    const speed = r.wallMs > 0 ? ` (×${formatValue(Math.round(r.simulatedMs / r.wallMs))})` : '';
    const d = r.delivery;
    const priorities = sortPriorities(Object.keys(r.alarms.byPriority));
    const alarms =
      r.alarms.total === 0
        ? 'none'
        : `${formatCount(r.alarms.total)}: ${priorities.map((p) => `${formatCount(r.alarms.byPriority[p] ?? 0)} ${p}`).join(' · ')}`;
    const names = (list: string[]) => (list.length === 0 ? 'none' : list.join(', '));
    const lines = [
      '',
      `${r.interrupted ? c.yellow('■ INTERRUPTED') : r.ok ? c.green('✓ PASSED') : c.red('✗ FAILED')}  ${c.bold(r.scenario.name)} · seed ${r.seed}`,
      ...(r.interrupted
        ? [
            `  ${c.yellow(`stopped by ${r.interrupted.signal} at ${formatDuration(r.simulatedMs)} of ${formatDuration(r.durationMs)}: a partial run, judged on what ran`)}`,
          ]
        : []),
      ...(integrityLine(r) ? [`  ${c.red(integrityLine(r)!)}`] : []),
      `  ${c.dim('digest')}     ${r.digest}`,
      `  ${c.dim('time')}       ${formatDuration(r.simulatedMs)} simulated in ${formatWall(r.wallMs)}${speed} · ${formatCount(r.events)} events · ${r.mode}`,
      ...(r.realtime ? [`  ${c.dim('pace')}       ${paceLine(r.realtime, c)}`] : []),
      `  ${c.dim('delivery')}   ${formatCount(d.published)} published · ${formatCount(d.deliveredToTwin)} delivered · ${formatCount(d.lost)} lost · ${formatCount(d.sequenceGaps)} gaps · ${formatCount(d.duplicates)} duplicates · ${formatCount(d.settleTimeouts)} settle timeouts`,
      ...(securityLine(r) ? [`  ${c.dim('security')}   ${securityLine(r)}`] : []),
      ...campaignLines(r).map((line) => `  ${c.dim('campaign')}   ${line}`),
      ...(idsLine(r) ? [`  ${c.dim('ids')}        ${idsLine(r)}`] : []),
      ...alertLines(r).map((line) => `               ${line}`),
      `  ${c.dim('alarms')}     ${alarms}`,
      `  ${c.dim('twin')}       stale: ${names(r.twin.stale)} · diverged: ${names(r.twin.diverged)}`,
      `  ${c.dim('devices')}    ${r.devices.length}${devicesNote(r)}`,
      '',
    ];
    const width = Math.max(18, ...r.expectations.map((e) => e.name.length));
    const measured = r.expectations.map((e) => `${formatValue(e.measured)} (${e.threshold})`);
    const measuredWidth = Math.max(0, ...measured.map((m) => m.length));
    for (const [i, e] of r.expectations.entries()) {
      const mark = e.passed ? c.green('✓') : c.red('✗');
      lines.push(`  ${mark} ${e.name.padEnd(width)}  ${c.dim('measured')} ${measured[i]!.padEnd(measuredWidth)}  ${e.message}`);
      if (!e.passed && e.evidence.length > 0)
        lines.push(`      ${c.dim(`evidence: events ${e.evidence.map((id) => `#${id}`).join(', ')}`)}`);
    }
    const transport = transportCheck(r);
    lines.push(`  ${transport.passed ? c.green('✓') : c.red('✗')} ${transport.name.padEnd(width)}  ${transport.message}`);
    const { passed, failed } = countChecks(r);
    lines.push('', failed > 0 ? c.red(`${passed} passed, ${failed} failed`) : c.green(`${passed} passed, ${failed} failed`));
    if (!r.ok) lines.push(c.dim(`replay: ${replayCommand(r)}`));
    return lines.join('\n');
  }

  #seedLine(r: RunResult): string {
    const c = this.#c;
    const failed = r.expectations.filter((e) => !e.passed).map((e) => e.name);
    if (!transportCheck(r).passed) failed.push('transport delivery');
    const index = this.#info?.study ? `${this.#info.study.index + 1}/${this.#info.study.count} ` : '';
    const tail = failed.length > 0 ? `  ${c.red(`failed: ${failed.join(', ')}`)}` : '';
    return `  ${r.ok ? c.green('✓') : c.red('✗')} ${c.dim(index)}seed ${r.seed}  ${c.dim(r.digest.slice(0, 12))}  ${formatWall(r.wallMs)}${tail}`;
  }

  #studySummary(s: StudyResult): string {
    const c = this.#c;
    const passedSeeds = s.runs.filter((r) => r.ok).length;
    const lines = [
      '',
      `${s.interrupted ? c.yellow('■ STUDY INTERRUPTED') : s.ok ? c.green('✓ STUDY PASSED') : c.red('✗ STUDY FAILED')}  ${c.bold(s.scenario.name)} · ${s.seeds.length}${s.interrupted ? ` of ${s.interrupted.planned}` : ''} seeds · pass rate ${formatPercent(s.passRate)} · ${formatWall(s.wallMs)}`,
      '',
    ];
    const width = Math.max(18, ...s.expectations.map((e) => e.name.length));
    lines.push(c.dim(`    ${'expectation'.padEnd(width)}  ${'pass rate'.padStart(9)}  ${'p50'.padStart(10)}  ${'p95'.padStart(10)}`));
    for (const e of s.expectations) {
      const mark = e.passRate === 1 ? c.green('✓') : c.red('✗');
      const m = e.measured;
      lines.push(
        `  ${mark} ${e.name.padEnd(width)}  ${formatPercent(e.passRate).padStart(9)}  ${(m ? formatValue(m.p50) : '—').padStart(10)}  ${(m ? formatValue(m.p95) : '—').padStart(10)}`,
      );
      for (const f of figureRows(e.figures)) {
        if (f.name === 'sensitivity') continue;
        lines.push(
          c.dim(
            `      ${`↳ ${f.label}`.padEnd(width - 2)}  ${''.padStart(9)}  ${formatFigure(f.name, f.d.p50).padStart(10)}  ${formatFigure(f.name, f.d.p95).padStart(10)}`,
          ),
        );
      }
    }
    if (s.replay.length > 0) {
      lines.push('', c.bold('Replay failing seeds:'));
      for (const command of s.replay) lines.push(`  ${command}`);
    }
    lines.push('', `seeds: ${passedSeeds} passed, ${s.runs.length - passedSeeds} failed`);
    return lines.join('\n');
  }

  #closeLine(): void {
    if (!this.#lineOpen) return;
    this.#write(CLEAR_LINE);
    this.#lineOpen = false;
  }

  #print(text: string): void {
    this.#closeLine();
    // Blocks after the first are set apart by a blank line.
    if (this.#printed && /^\S/.test(text) && !text.startsWith('\n')) this.#write('\n');
    this.#printed = true;
    this.#write(`${text}\n`);
  }

  #write(text: string): void {
    if (this.#path !== undefined) this.#buffer.append(text);
    else this.#stream.write(text);
  }
}

/** "00:12:30 / 01:00:00  20%  1,234 messages  ×850". */
export function progressText(status: RunStatus, info?: RunBeginInfo): string {
  const fraction = status.durationMs > 0 ? Math.min(1, status.simMs / status.durationMs) : 1;
  const speed = status.wallMs > 0 ? `×${formatValue(Math.round(status.simMs / status.wallMs))}` : '';
  const parts = [
    `${formatSimTime(status.simMs)} / ${formatSimTime(status.durationMs)}`,
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    `${formatCount(status.messages)} messages`,
    speed,
    status.phase === 'paused' ? 'paused' : '',
  ];
  const seed = info?.study ? `seed ${info.seed}  ` : '';
  return `  ${seed}${parts.filter((p) => p !== '').join('  ')}`;
}

function devicesNote(r: RunResult): string {
  const missing = r.devices.filter((d) => d.missing > 0).length;
  const rejected = r.devices.reduce((n, d) => n + d.commandsRejected, 0);
  const notes = [missing > 0 ? `${missing} with missing telemetry` : '', rejected > 0 ? `${rejected} commands rejected` : ''].filter(
    (n) => n !== '',
  );
  const accuracy = r.devices.filter((d) => d.accuracy !== undefined).map((d) => `${d.id} ${formatFigures(d.accuracy)}`);
  const text = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return accuracy.length > 0 && accuracy.length <= 5 ? `${text} · accuracy: ${accuracy.join('; ')}` : text;
}

export function createListReporter(options: ReporterOptions = {}): Reporter {
  return new ListReporter(options);
}

/** Realtime only: whether the run kept the asked speed; a run that fell behind is shown in yellow. */
function paceLine(p: RealtimePace, c: Palette): string {
  const text = describePace(p);
  return keptPace(p) ? text : c.yellow(text);
}

/** How many alerts the console lists under the `ids` line (the JSON report keeps the first 50, the event log all). */
const CONSOLE_ALERTS = 5;

function alertLines(r: RunResult): string[] {
  const ids = r.ids;
  if (ids === undefined || ids.first.length === 0) return [];
  const lines = ids.first.slice(0, CONSOLE_ALERTS).map(idsAlertLine);
  if (ids.alerts > CONSOLE_ALERTS)
    lines.push(`… ${formatCount(ids.alerts - CONSOLE_ALERTS)} more (--reporter json, or the event log's ids.alert events)`);
  return lines;
}
