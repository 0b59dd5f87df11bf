import { formatDuration, formatSimTime } from '../core/duration.ts';
import type { RunResult } from '../scenario/result.ts';
import { alarmTimeline } from './alarm-timeline.ts';
import { escapeHtml as esc } from './escape.ts';
import {
  integrityLine,
  brokerLabel,
  countChecks,
  describePace,
  formatCount,
  formatValue,
  formatWall,
  replayCommand,
  sortPriorities,
  transportCheck,
} from './format.ts';
import { chartAnchor, signalsSection } from './html-charts.ts';
import { securitySection } from './html-security.ts';
import { badge, fact, mark, table, type Row } from './html-table.ts';

const MAX_DEVICE_ROWS = 500;

const figures = (f: Record<string, number> | undefined) => ({
  html: Object.entries(f ?? {})
    .map(([k, v]) => `<span class="figure">${esc(k)} ${esc(formatValue(v))}</span>`)
    .join(' '),
  className: 'wrap',
});
const num = (n: number) => ({ html: esc(formatCount(n)), className: 'num' });

/** What the report knows about one event id: the alarm or injection it was, and its device. */
interface EvidenceInfo {
  device: string;
  text: string;
}

/**
 * One run: header facts, what failed first (each failure with its evidence and links to the charts of
 * the devices involved), summary cards, expectations, signal plots, alarm timeline, devices, injections.
 */
export function runSection(r: RunResult, anchor: string): string {
  const evidence = evidenceIndex(r);
  const failing = r.expectations.filter((e) => !e.passed);
  const involved = new Set(failing.flatMap((e) => e.evidence.map((id) => evidence.get(id)?.device).filter((d) => d !== undefined)));
  const active = new Set([
    ...r.devices.filter((d) => d.missing > 0 || d.alarmsRaised > 0 || d.commandsRejected > 0).map((d) => d.id),
    ...r.injections.map((i) => i.device),
    ...r.alarms.first.map((a) => a.device),
    ...involved,
  ]);
  const out: string[] = [`<section class="run" id="${esc(anchor)}">`];
  out.push(
    `<div class="run-head">${badge(r.ok)}<h2>${esc(r.scenario.name)}</h2>${r.scenario.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</div>`,
  );
  if (r.scenario.description) out.push(`<p class="description">${esc(r.scenario.description)}</p>`);
  const integrity = integrityLine(r);
  if (integrity) out.push(`<p class="integrity-error" role="alert"><strong>${esc(integrity)}</strong></p>`);
  out.push(
    '<dl class="facts">',
    fact('seed', `<code>${esc(r.seed)}</code>`),
    fact('mode', esc(r.mode)),
    fact('simulated', esc(formatDuration(r.simulatedMs))),
    fact('wall time', esc(formatWall(r.wallMs))),
    r.realtime ? fact('pace', esc(describePace(r.realtime)), true) : '',
    fact('events', esc(formatCount(r.events))),
    fact(
      'broker',
      `<code>${esc(r.broker.url)}</code> (${esc(brokerLabel(r.broker.placement))}; device clients ${esc(r.broker.links)})`,
      true,
    ),
    r.scenario.file ? fact('file', `<code>${esc(r.scenario.file)}</code>`, true) : '',
    fact('digest', `<code>${esc(r.digest)}</code>`, true),
    r.ok ? '' : fact('replay', `<code>${esc(replayCommand(r))}</code>`, true),
    '</dl>',
  );
  out.push(failures(r, anchor, evidence));
  out.push(cards(r));
  out.push('<h3>Expectations</h3>', expectationsTable(r));
  out.push('<h3>Signals</h3>', signalsSection(r, anchor, active));
  out.push('<h3>Alarm timeline</h3>');
  if (r.alarms.first.length === 0 && r.injections.length === 0) out.push('<p class="note">No alarms and no injections.</p>');
  else {
    out.push(alarmTimeline({ alarms: r.alarms.first, injections: r.injections, durationMs: r.simulatedMs }));
    if (r.alarms.first.length < r.alarms.total)
      out.push(`<p class="note">The first ${r.alarms.first.length} of ${formatCount(r.alarms.total)} alarms are shown.</p>`);
  }
  out.push('<h3>Devices</h3>', devicesTables(r, active));
  out.push('<h3>Injections</h3>', injectionsTable(r, anchor));
  out.push(securitySection(r, anchor));
  if (r.alarms.first.length > 0) out.push(`<h3>Alarms (${r.alarms.first.length})</h3>`, alarmsTable(r, anchor));
  out.push('</section>');
  return out.join('\n');
}

/** Event ids the report can say something about: alarms, injections and IDS alerts. */
function evidenceIndex(r: RunResult): Map<number, EvidenceInfo> {
  const index = new Map<number, EvidenceInfo>();
  for (const i of r.injections)
    index.set(i.eventId, { device: i.device, text: `${formatSimTime(i.at)} ${i.fault} injected on ${i.device} (${i.id})` });
  for (const a of r.ids?.first ?? [])
    index.set(a.eventId, { device: a.device ?? a.clientId, text: `${formatSimTime(a.t)} ${a.severity} IDS alert ${a.rule}: ${a.summary}` });
  for (const a of r.alarms.first)
    index.set(a.id, {
      device: a.device,
      text: `${formatSimTime(a.t)} ${a.priority} alarm ${a.code} on ${a.device}${a.suppressed ? ' (suppressed)' : ''}`,
    });
  return index;
}

/** Failing checks first, each with what was measured, its evidence and the charts of the devices involved. */
function failures(r: RunResult, anchor: string, evidence: Map<number, EvidenceInfo>): string {
  const failing = r.expectations.filter((e) => !e.passed);
  const transport = transportCheck(r);
  if (failing.length === 0 && transport.passed) return '';
  const items = failing.map((e) => {
    const devices = [...new Set(e.evidence.map((id) => evidence.get(id)?.device).filter((d) => d !== undefined))];
    const charts =
      devices.length === 0
        ? ''
        : `<p>Charts: ${devices.map((d) => `<a href="#${esc(chartAnchor(anchor, d))}">${esc(d)}</a>`).join(', ')}</p>`;
    const list = e.evidence.map((id) => {
      const known = evidence.get(id);
      const link = known ? `<a href="#${esc(`${anchor}-event-${id}`)}">#${id}</a>` : `#${id}`;
      return `<li>${link} ${known ? esc(known.text) : `line ${id} of the event log (<code>--reporter events:PATH</code>)`}</li>`;
    });
    return [
      `<li class="failure"><strong>${esc(e.name)}</strong> <span class="tag">${esc(e.type)}</span>`,
      `<p class="msg">${esc(e.message)}</p>`,
      `<p class="note">measured ${esc(formatValue(e.measured))} · threshold ${esc(e.threshold)}</p>`,
      charts,
      list.length > 0 ? `<ul class="evidence">${list.join('')}</ul>` : '',
      '</li>',
    ].join('');
  });
  if (!transport.passed)
    items.push(
      `<li class="failure"><strong>${esc(transport.name)}</strong> <span class="tag">transport</span><p class="msg">${esc(transport.message)}</p></li>`,
    );
  return `<div class="failures"><h3>What failed</h3><ol>${items.join('')}</ol></div>`;
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
  // Failing first, as in the list above.
  const sorted = [...r.expectations].sort((a, b) => Number(a.passed) - Number(b.passed));
  const rows: Row[] = sorted.map((e) => ({
    className: e.passed ? undefined : 'failed',
    cells: [
      mark(e.passed),
      { html: esc(e.name), className: 'wrap' },
      esc(e.type),
      { html: esc(formatValue(e.measured)), className: 'num' },
      { html: esc(e.threshold), className: 'wrap' },
      { html: esc(e.message), className: 'msg' },
      { html: esc(e.evidence.map((id) => `#${id}`).join(', ')), className: 'wrap mono' },
    ],
  }));
  const t = transportCheck(r);
  rows.push({
    className: t.passed ? undefined : 'failed',
    cells: [
      mark(t.passed),
      esc(t.name),
      'transport',
      { html: esc(formatCount(r.delivery.lost)), className: 'num' },
      { html: '0 lost, 0 settle timeouts', className: 'wrap' },
      { html: esc(t.message), className: 'msg' },
      '',
    ],
  });
  return table(['', 'Expectation', 'Type', 'Measured', 'Threshold', 'Message', 'Evidence'], rows, [3]);
}

/** Devices where something happened, then the quiet rest folded away. */
function devicesTables(r: RunResult, active: ReadonlySet<string>): string {
  const busy = r.devices.filter((d) => active.has(d.id));
  const quiet = r.devices.filter((d) => !active.has(d.id));
  const out = [busy.length > 0 ? devicesTable(busy) : '<p class="note">No device had an alarm, a fault or lost telemetry.</p>'];
  if (quiet.length > 0)
    out.push(
      `<details class="quiet"><summary>${quiet.length} quiet device${quiet.length === 1 ? '' : 's'}</summary>${devicesTable(quiet)}</details>`,
    );
  return out.join('');
}

function devicesTable(devices: RunResult['devices']): string {
  const rows: Row[] = devices.slice(0, MAX_DEVICE_ROWS).map((d) => {
    const commands =
      d.commandsRejected > 0
        ? `${formatCount(d.commandsReceived)} (${formatCount(d.commandsRejected)} rejected)`
        : formatCount(d.commandsReceived);
    return {
      cells: [
        { html: esc(d.id), className: 'mono' },
        esc(d.kind),
        esc(`${d.zone} / ${d.bed}`),
        { html: esc(d.firmware ?? ''), className: 'mono' },
        { html: esc(d.finalState), className: 'wrap' },
        num(d.published),
        num(d.deliveredToTwin),
        num(d.missing),
        num(d.alarmsRaised),
        { html: esc(commands), className: 'num' },
        figures(d.accuracy),
        figures(d.clinical),
      ],
    };
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

function injectionsTable(r: RunResult, anchor: string): string {
  if (r.injections.length === 0) return '<p class="note">No faults or attacks were injected.</p>';
  const rows: Row[] = r.injections.map((i) => ({
    id: `${anchor}-event-${i.eventId}`,
    cells: [
      { html: esc(i.id), className: 'mono' },
      esc(i.fault),
      esc(i.category),
      { html: esc(i.device), className: 'mono' },
      esc(formatSimTime(i.at)),
      esc(i.until === null ? 'end' : formatSimTime(i.until)),
      { html: esc(JSON.stringify(i.params)), className: 'wrap mono' },
      { html: `#${i.eventId}`, className: 'mono' },
    ],
  }));
  return table(['Id', 'Fault', 'Category', 'Device', 'From', 'Until', 'Parameters', 'Event'], rows);
}

function alarmsTable(r: RunResult, anchor: string): string {
  const rows: Row[] = r.alarms.first.map((a) => ({
    id: `${anchor}-event-${a.id}`,
    cells: [
      esc(formatSimTime(a.t)),
      { html: esc(a.device), className: 'mono' },
      esc(a.priority),
      { html: esc(a.code), className: 'mono' },
      { html: `${esc(a.message)}${a.suppressed ? ' <span class="note">(suppressed)</span>' : ''}`, className: 'msg' },
      { html: `#${a.id}`, className: 'mono' },
    ],
  }));
  return table(['Time', 'Device', 'Priority', 'Code', 'Message', 'Event'], rows);
}
