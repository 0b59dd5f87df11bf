import { formatDuration, formatSimTime } from '../core/duration.ts';
import type { RunResult, SeriesSet, StudyResult } from '../runtime/result.ts';
import { alarmTimeline } from './alarm-timeline.ts';
import { escapeHtml as esc } from './escape.ts';
import {
  countChecks,
  describePace,
  figureRows,
  formatCount,
  formatFigure,
  formatPercent,
  formatValue,
  formatWall,
  replayCommand,
  sortPriorities,
  transportCheck,
} from './format.ts';
import { lineChart } from './svg-chart.ts';

/** Past these, a fleet of thousands would make a report no browser wants to open. */
const MAX_CHARTS = 48;
const MAX_DEVICE_ROWS = 500;
const MEASURED_COLOR = '#2563eb';
const TRUTH_COLOR = '#4b5563';

const num = (n: number) => `<td class="num">${esc(formatCount(n))}</td>`;
const mark = (passed: boolean) => (passed ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>');
const badge = (passed: boolean, pass = 'PASSED', fail = 'FAILED') =>
  `<span class="badge ${passed ? 'pass' : 'fail'}">${passed ? pass : fail}</span>`;
const figures = (f: Record<string, number> | undefined) =>
  `<td class="wrap">${Object.entries(f ?? {})
    .map(([k, v]) => `<span class="figure">${esc(k)} ${esc(formatValue(v))}</span>`)
    .join(' ')}</td>`;
const fact = (label: string, value: string, wide = false) =>
  `<div${wide ? ' class="wide"' : ''}><dt>${esc(label)}</dt><dd>${value}</dd></div>`;

function table(head: string[], rows: string[], numeric: number[] = [], className = ''): string {
  const ths = head.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  return `<div class="scroll"><table${className ? ` class="${className}"` : ''}><thead><tr>${ths}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** One run: header facts, summary cards, expectations, signal plots, alarm timeline, devices, injections. */
export function runSection(r: RunResult, anchor: string): string {
  const out: string[] = [`<section class="run" id="${esc(anchor)}">`];
  out.push(
    `<div class="run-head">${badge(r.ok)}<h2>${esc(r.scenario.name)}</h2>${r.scenario.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</div>`,
  );
  if (r.scenario.description) out.push(`<p class="description">${esc(r.scenario.description)}</p>`);
  out.push(
    '<dl class="facts">',
    fact('seed', `<code>${esc(r.seed)}</code>`),
    fact('mode', esc(r.mode)),
    fact('simulated', esc(formatDuration(r.simulatedMs))),
    fact('wall time', esc(formatWall(r.wallMs))),
    r.realtime ? fact('pace', esc(describePace(r.realtime)), true) : '',
    fact('events', esc(formatCount(r.events))),
    fact('broker', `<code>${esc(r.broker.url)}</code> (${esc(r.broker.placement)}; device clients ${esc(r.broker.links)})`),
    r.scenario.file ? fact('file', `<code>${esc(r.scenario.file)}</code>`) : '',
    fact('digest', `<code>${esc(r.digest)}</code>`, true),
    r.ok ? '' : fact('replay', `<code>${esc(replayCommand(r))}</code>`, true),
    '</dl>',
  );
  out.push(cards(r));
  out.push('<h3>Expectations</h3>', expectationsTable(r));
  out.push('<h3>Signals</h3>', signals(r));
  out.push('<h3>Alarm timeline</h3>');
  if (r.alarms.first.length === 0 && r.injections.length === 0) out.push('<p class="note">No alarms and no injections.</p>');
  else {
    out.push(alarmTimeline({ alarms: r.alarms.first, injections: r.injections, durationMs: r.simulatedMs }));
    if (r.alarms.first.length < r.alarms.total)
      out.push(`<p class="note">The first ${r.alarms.first.length} of ${formatCount(r.alarms.total)} alarms are shown.</p>`);
  }
  out.push('<h3>Devices</h3>', devicesTable(r));
  out.push('<h3>Injections</h3>', injectionsTable(r));
  if (r.alarms.first.length > 0) out.push(`<details><summary>Alarm list (${r.alarms.first.length})</summary>${alarmsTable(r)}</details>`);
  out.push('</section>');
  return out.join('\n');
}

function cards(r: RunResult): string {
  const { passed, failed } = countChecks(r);
  const d = r.delivery;
  const priorities = sortPriorities(Object.keys(r.alarms.byPriority));
  const card = (title: string, big: string, small: string) =>
    `<div class="card"><h4>${esc(title)}</h4><div class="big">${big}</div><div class="small">${small}</div></div>`;
  return [
    '<div class="cards">',
    card(
      'checks',
      `${passed} <span class="ok">passed</span> · ${failed} <span class="${failed > 0 ? 'bad' : 'ok'}">failed</span>`,
      `${r.expectations.length} expectations + transport delivery`,
    ),
    card(
      'delivery',
      esc(`${formatCount(d.deliveredToTwin)} / ${formatCount(d.published)}`),
      esc(
        `${formatCount(d.lost)} lost · ${formatCount(d.sequenceGaps)} gaps · ${formatCount(d.duplicates)} duplicates · ${formatCount(d.settleTimeouts)} settle timeouts`,
      ),
    ),
    card(
      'alarms',
      esc(formatCount(r.alarms.total)),
      esc(priorities.map((p) => `${formatCount(r.alarms.byPriority[p] ?? 0)} ${p}`).join(' · ') || 'none'),
    ),
    card(
      'digital twin',
      esc(`${r.twin.stale.length} stale · ${r.twin.diverged.length} diverged`),
      esc(`stale: ${r.twin.stale.join(', ') || 'none'} · diverged: ${r.twin.diverged.join(', ') || 'none'}`),
    ),
    '</div>',
  ].join('');
}

function expectationsTable(r: RunResult): string {
  const rows = r.expectations.map(
    (e) =>
      `<tr${e.passed ? '' : ' class="failed"'}><td>${mark(e.passed)}</td><td class="wrap">${esc(e.name)}</td><td>${esc(e.type)}</td><td class="num">${esc(formatValue(e.measured))}</td><td>${esc(e.threshold)}</td><td class="msg">${esc(e.message)}</td><td class="wrap mono">${esc(e.evidence.map((id) => `#${id}`).join(', '))}</td></tr>`,
  );
  const t = transportCheck(r);
  rows.push(
    `<tr${t.passed ? '' : ' class="failed"'}><td>${mark(t.passed)}</td><td>${esc(t.name)}</td><td>transport</td><td class="num">${esc(formatCount(r.delivery.lost))}</td><td>0 lost, 0 settle timeouts</td><td class="msg">${esc(t.message)}</td><td></td></tr>`,
  );
  return table(['', 'Expectation', 'Type', 'Measured', 'Threshold', 'Message', 'Evidence'], rows, [3]);
}

function signals(r: RunResult): string {
  if (r.series.length === 0) return '<p class="note">No signals were recorded.</p>';
  const shown = r.series.slice(0, MAX_CHARTS);
  const byDevice = new Map<string, SeriesSet[]>();
  for (const s of shown) byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), s]);
  const kinds = new Map(r.devices.map((d) => [d.id, `${d.kind} · ${d.zone} · bed ${d.bed}`]));
  const end = Math.max(r.simulatedMs, ...shown.map((s) => s.points.at(-1)?.[0] ?? 0));
  const out: string[] = [];
  for (const [device, sets] of byDevice) {
    out.push(`<h4 class="device">${esc(device)} <span>${esc(kinds.get(device) ?? '')}</span></h4><div class="charts">`);
    for (const s of sets) {
      const title = `${s.device} ${s.signal} (${s.unit})`;
      const chart = lineChart({
        title,
        x: [0, end],
        unit: s.unit,
        lines: [
          { label: 'measured', color: MEASURED_COLOR, points: s.points.map(([t, m]) => [t, m] as const) },
          { label: 'truth', color: TRUTH_COLOR, dash: '5 3', points: s.points.map(([t, , truth]) => [t, truth] as const) },
        ],
        bands: s.faults.map((f) => ({ from: f.from, to: f.to, label: f.fault })),
      });
      out.push(`<figure><figcaption>${esc(s.signal)} <span class="note">(${esc(s.unit)})</span></figcaption>${chart}</figure>`);
    }
    out.push('</div>');
  }
  if (r.series.length > shown.length)
    out.push(`<p class="note">${r.series.length - shown.length} more signals not plotted (the first ${MAX_CHARTS} are shown).</p>`);
  return out.join('');
}

function devicesTable(r: RunResult): string {
  const troubled = (d: RunResult['devices'][number]) => Number(d.missing > 0 || d.alarmsRaised > 0 || d.commandsRejected > 0);
  const devices = [...r.devices].sort((a, b) => troubled(b) - troubled(a));
  const rows = devices.slice(0, MAX_DEVICE_ROWS).map((d) => {
    const commands =
      d.commandsRejected > 0
        ? `${formatCount(d.commandsReceived)} (${formatCount(d.commandsRejected)} rejected)`
        : formatCount(d.commandsReceived);
    return `<tr><td class="mono">${esc(d.id)}</td><td>${esc(d.kind)}</td><td>${esc(`${d.zone} / ${d.bed}`)}</td><td class="mono">${esc(d.firmware ?? '')}</td><td>${esc(d.finalState)}</td>${num(d.published)}${num(d.deliveredToTwin)}${num(d.missing)}${num(d.alarmsRaised)}<td class="num">${esc(commands)}</td>${figures(d.accuracy)}${figures(d.clinical)}</tr>`;
  });
  const note = devices.length > MAX_DEVICE_ROWS ? `<p class="note">${devices.length - MAX_DEVICE_ROWS} more devices not listed.</p>` : '';
  return (
    table(
      [
        'Device',
        'Kind',
        'Zone / bed',
        'Firmware',
        'State',
        'Published',
        'Delivered',
        'Missing',
        'Alarms',
        'Commands',
        'Accuracy',
        'Clinical',
      ],
      rows,
      [5, 6, 7, 8, 9],
      'devices',
    ) + note
  );
}

function injectionsTable(r: RunResult): string {
  if (r.injections.length === 0) return '<p class="note">No faults or attacks were injected.</p>';
  const rows = r.injections.map(
    (i) =>
      `<tr><td class="mono">${esc(i.id)}</td><td>${esc(i.fault)}</td><td>${esc(i.category)}</td><td class="mono">${esc(i.device)}</td><td>${esc(formatSimTime(i.at))}</td><td>${esc(i.until === null ? 'end' : formatSimTime(i.until))}</td><td class="wrap mono">${esc(JSON.stringify(i.params))}</td><td class="mono">#${i.eventId}</td></tr>`,
  );
  return table(['Id', 'Fault', 'Category', 'Device', 'From', 'Until', 'Parameters', 'Event'], rows);
}

function alarmsTable(r: RunResult): string {
  const rows = r.alarms.first.map(
    (a) =>
      `<tr><td>${esc(formatSimTime(a.t))}</td><td class="mono">${esc(a.device)}</td><td>${esc(a.priority)}</td><td class="mono">${esc(a.code)}</td><td class="msg">${esc(a.message)}${a.suppressed ? ' <span class="note">(suppressed)</span>' : ''}</td><td class="mono">#${a.id}</td></tr>`,
  );
  return table(['Time', 'Device', 'Priority', 'Code', 'Message', 'Event'], rows);
}

/** A Monte Carlo study: pass rate, per-expectation distribution, seeds and replay commands. */
export function studySection(s: StudyResult, anchor: string): string {
  const failing = s.runs.filter((r) => !r.ok);
  const out = [`<section class="study" id="${esc(anchor)}">`];
  out.push(`<div class="run-head">${badge(s.ok)}<h2>${esc(s.scenario.name)}</h2><span class="tag">study</span></div>`);
  out.push(
    '<dl class="facts">',
    fact('seeds', esc(String(s.seeds.length))),
    fact('pass rate', esc(formatPercent(s.passRate))),
    fact('failed seeds', esc(String(failing.length))),
    fact('wall time', esc(formatWall(s.wallMs))),
    '</dl>',
  );
  const rows = s.expectations.flatMap((e) => {
    const m = e.measured;
    const cell = (v: number | undefined) => `<td class="num">${esc(formatValue(v ?? null))}</td>`;
    const row = `<tr${e.passRate < 1 ? ' class="failed"' : ''}><td>${mark(e.passRate === 1)}</td><td>${esc(e.name)}</td><td>${esc(e.type)}</td><td class="num">${esc(formatPercent(e.passRate))}</td><td class="num">${m ? m.n : '—'}</td>${cell(m?.min)}${cell(m?.p50)}${cell(m?.p95)}${cell(m?.max)}${cell(m?.mean)}</tr>`;
    const figures = figureRows(e.figures)
      .filter((f) => f.name !== 'sensitivity')
      .map((f) => {
        const fig = (v: number) => `<td class="num">${esc(formatFigure(f.name, v))}</td>`;
        return `<tr><td></td><td>↳ ${esc(f.label)}</td><td></td><td></td><td class="num">${f.d.n}</td>${fig(f.d.min)}${fig(f.d.p50)}${fig(f.d.p95)}${fig(f.d.max)}${fig(f.d.mean)}</tr>`;
      });
    return [row, ...figures];
  });
  out.push(
    '<h3>Expectations over seeds</h3>',
    table(['', 'Expectation', 'Type', 'Pass rate', 'n', 'Min', 'p50', 'p95', 'Max', 'Mean'], rows, [3, 4, 5, 6, 7, 8, 9]),
  );
  if (s.replay.length > 0) out.push('<h3>Replay failing seeds</h3>', `<pre>${s.replay.map(esc).join('\n')}</pre>`);
  const seedRows = s.runs.map(
    (r) =>
      `<tr${r.ok ? '' : ' class="failed"'}><td>${mark(r.ok)}</td><td class="mono">${esc(r.seed)}</td><td class="mono">${esc(r.digest)}</td><td>${esc(formatWall(r.wallMs))}</td><td class="wrap">${esc(r.failed.join(', '))}</td></tr>`,
  );
  out.push(
    `<details${failing.length > 0 ? ' open=""' : ''}><summary>Seeds (${s.runs.length})</summary>${table(['', 'Seed', 'Digest', 'Wall', 'Failed'], seedRows)}</details>`,
  );
  out.push('</section>');
  return out.join('\n');
}
