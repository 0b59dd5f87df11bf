/**
 * Formats the fleet benchmark's results: one Markdown table per mode (readable in a terminal and
 * pasteable into docs/benchmarks.md), then the targets with ✓ / ✗ beside the figures.
 */
import { formatDuration } from '../src/core/duration.ts';
import type { CeilingRowResult, ProxyRowRecord, RowSpec, SimRowResult } from './fleet-row.ts';

export interface RowRecord {
  spec: RowSpec;
  result?: SimRowResult | CeilingRowResult | ProxyRowRecord;
  error?: string;
  /** 1-minute load average before and after the row (other work on the machine skews figures). */
  load: [number, number];
  processWallMs: number;
}

const DAY_MS = 86_400_000;
/** 1.5 GB, read strictly as 1.5 × 10^9 bytes. */
const RSS_LIMIT_MIB = 1.5e9 / 2 ** 20;
const LATENCY_LIMIT_MS = 100;
const CEILING_SHARE = 0.5;
const WARD_WALL_LIMIT_MS = 60_000;

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : `${n < 10 ? n.toFixed(1) : int(n)} ms`);
const ratio = (n: number) => (n >= 100 ? `${int(n)}×` : `${n.toFixed(n >= 10 ? 1 : 2)}×`);
const load = (r: RowRecord) => `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`;

function rss(r: SimRowResult | CeilingRowResult): string {
  const m = r.memory;
  return `${int(m.selfHwmMiB)} + ${int(m.brokerHwmMiB)} = ${int(m.selfHwmMiB + m.brokerHwmMiB)} MiB`;
}

function simulated(r: SimRowResult): string {
  const done = formatDuration(Math.round(r.simMs / 1000) * 1000);
  return r.simMs < r.plannedSimMs ? `${done} of ${formatDuration(r.plannedSimMs)} (stopped at the wall-clock cap)` : done;
}

function cpu(r: SimRowResult | CeilingRowResult): string {
  return `${r.cpu.simProcessS.toFixed(1)} + ${r.cpu.brokerS.toFixed(1)} s`;
}

/** A simulated row's CPU with the simulation process split by thread: "10.3 (main 6.1 · link 2.0 · other 2.2) + 2.1 s". */
function simCpu(r: SimRowResult): string {
  const t = r.cpu.threads;
  if (t === undefined) return cpu(r);
  const second = r.links === 'link-thread' ? 'link' : 'busiest helper';
  return `${r.cpu.simProcessS.toFixed(1)} (main ${t.mainS.toFixed(1)} · ${second} ${t.busiestOtherS.toFixed(1)} · other ${t.restS.toFixed(1)}) + ${r.cpu.brokerS.toFixed(1)} s`;
}

function table(header: string[], rows: string[][]): string {
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

function sims(records: RowRecord[], kind: SimRowResult['kind']): { record: RowRecord; r: SimRowResult }[] {
  return records.flatMap((record) => (record.result && record.result.kind === kind ? [{ record, r: record.result as SimRowResult }] : []));
}

function ceilingFor(records: RowRecord[], devices: number): CeilingRowResult | undefined {
  return records
    .map((x) => x.result)
    .find((r): r is CeilingRowResult => r?.kind === 'ceiling' && r.of === undefined && r.devices === devices);
}

/** The ceiling run with the ward row's messages, if any. */
function wardCeiling(records: RowRecord[]): CeilingRowResult | undefined {
  return records.map((x) => x.result).find((r): r is CeilingRowResult => r?.kind === 'ceiling' && r.of === 'ward');
}

/** Wall time a day of the ward's traffic takes at `messagesPerSecond`, given `published` messages in `simMs`. */
function dayAt(messagesPerSecond: number, published: number, simMs: number): number {
  return ((published / messagesPerSecond) * 1000 * DAY_MS) / simMs;
}

/** The whole report: tables, targets, failures. */
export function formatReport(records: RowRecord[]): string {
  const out: string[] = [];
  const fast = sims(records, 'fast');
  const ceilings = records.flatMap((x) => (x.result?.kind === 'ceiling' && x.result.of === undefined ? [{ record: x, r: x.result }] : []));
  if (fast.length > 0 || ceilings.length > 0) {
    const settles = fast.length > 0 ? `, the transport settles every ${settleWindow(fast.map((f) => f.r))} simulated` : '';
    out.push(`### Fast mode (virtual time${settles}) and the transport-only ceiling\n`);
    const sizes = [...new Set([...fast.map((f) => f.r.devices), ...ceilings.map((c) => c.r.devices)])].sort((a, b) => a - b);
    out.push(
      table(
        [
          'devices',
          'connect',
          'simulated',
          'wall',
          'messages',
          'msg/s',
          'sim/wall',
          'CPU sim + broker',
          'peak RSS sim + broker',
          'ceiling msg/s',
          'ceiling CPU clients + broker',
          'fast / ceiling',
          'load',
        ],
        sizes.map((devices) => {
          const f = fast.find((x) => x.r.devices === devices);
          const c = ceilingFor(records, devices);
          const share = f && c ? `${((f.r.messagesPerSecond / c.messagesPerSecond) * 100).toFixed(0)} %` : '–';
          return [
            int(devices),
            f ? secs(f.r.connectMs) : '–',
            f ? simulated(f.r) : '–',
            f ? secs(f.r.wallMs) : '–',
            f ? int(f.r.published) : '–',
            f ? int(f.r.messagesPerSecond) : '–',
            f ? ratio(f.r.compression) : '–',
            f ? simCpu(f.r) : '–',
            f ? rss(f.r) : '–',
            c ? `${int(c.messagesPerSecond)} (${int(c.received)} msgs × ${int(c.payloadBytes)} B)` : '–',
            c ? cpu(c) : '–',
            share,
            [f?.record, ceilings.find((x) => x.r.devices === devices)?.record]
              .filter((x) => x !== undefined)
              .map(load)
              .join(', '),
          ];
        }),
      ),
    );
    out.push('');
  }
  const ward = sims(records, 'ward');
  if (ward.length > 0) {
    out.push('### A 40-bed ward (40 monitors, 40 pumps, 20 CGMs), fast mode\n');
    out.push(
      table(
        [
          'simulated',
          'wall',
          'sim/wall',
          '24 h takes',
          'messages',
          'msg/s',
          'CPU sim + broker',
          'peak RSS sim + broker',
          'transport alone: msg/s, 24 h takes',
          'load',
        ],
        ward.map(({ record, r }) => {
          const c = wardCeiling(records);
          return [
            simulated(r),
            secs(r.wallMs),
            ratio(r.compression),
            r.simMs >= DAY_MS
              ? secs(r.wallMs)
              : `${secs((r.wallMs * DAY_MS) / r.simMs)} (extrapolated linearly from ${formatDuration(r.simMs)})`,
            int(r.published),
            int(r.messagesPerSecond),
            simCpu(r),
            rss(r),
            c
              ? `${int(c.messagesPerSecond)}, ${secs(dayAt(c.messagesPerSecond, r.published, r.simMs))} (100 bare clients, the same ${int(c.received)} msgs × ${int(c.payloadBytes)} B)`
              : '–',
            load(record),
          ];
        }),
      ),
    );
    out.push('');
  }
  const realtime = sims(records, 'realtime');
  if (realtime.length > 0) {
    out.push('### Realtime mode (speed 1), publish → twin latency\n');
    out.push(
      table(
        [
          'devices',
          'mix',
          'connect',
          'simulated',
          'wall',
          'msg/s',
          'sim/wall',
          'p50',
          'p99',
          'p99 after 5 s',
          'max',
          'unmatched',
          'loop delay p99',
          'CPU sim + broker',
          'peak RSS sim + broker',
          'load',
        ],
        realtime.map(({ record, r }) => [
          int(r.devices),
          mixLabel(r),
          secs(r.connectMs),
          simulated(r),
          secs(r.wallMs),
          int(r.messagesPerSecond),
          ratio(r.compression),
          ms(r.latency?.p50Ms),
          ms(r.latency?.p99Ms),
          ms(r.latency?.steady.p99Ms),
          ms(r.latency?.maxMs),
          `${int(r.latency?.unmatched ?? 0)}${r.broker.crashed ? ' (broker died)' : ''}`,
          ms(r.loopDelay.p99Ms),
          simCpu(r),
          rss(r),
          load(record),
        ]),
      ),
    );
    out.push('');
  }
  const targets = formatTargets(records);
  if (targets) out.push('### Targets (2-core machine)\n', targets, '');
  const failed = records.filter((r) => r.error);
  for (const f of failed) out.push(`✗ row ${JSON.stringify(f.spec)} failed: ${f.error}`);
  for (const r of records) {
    if (r.result?.broker.crashed)
      out.push(`✗ the broker process died during row ${JSON.stringify(r.spec)}: its figures show the collapse, not steady work`);
    else if (r.result?.broker.diedAtTeardown)
      out.push(`✗ the broker process died while the fleet of row ${JSON.stringify(r.spec)} disconnected (after its figures were taken)`);
  }
  const fallbacks = [...new Set(records.flatMap((r) => (r.result?.broker.fallbackReason ? [r.result.broker.fallbackReason] : [])))];
  for (const reason of fallbacks)
    out.push(`note: the bench spawned the broker child (src/runtime/broker-child.ts) itself because the runtime's path failed: ${reason}`);
  return out.join('\n');
}

function mixLabel(r: SimRowResult): string {
  const c = r.counts;
  return r.mix === 'monitors' ? `monitors only (1 Hz)` : `ward (${int(c.monitors)} mon / ${int(c.pumps)} pump / ${int(c.cgms)} CGM)`;
}

function formatTargets(records: RowRecord[]): string | undefined {
  const rows: string[][] = [];
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  for (const { r } of sims(records, 'realtime').filter((x) => x.r.devices >= 10_000)) {
    const total = r.memory.selfHwmMiB + r.memory.brokerHwmMiB;
    const p99 = r.latency?.p99Ms ?? Number.NaN;
    const keepsUp = r.compression >= 0.99;
    rows.push([
      `${int(r.devices)} devices, own connections, realtime 1×, ${mixLabel(r)}: p99 < ${LATENCY_LIMIT_MS} ms`,
      `p99 ${ms(p99)} (after warm-up ${ms(r.latency?.steady.p99Ms)})`,
      mark(p99 < LATENCY_LIMIT_MS),
    ]);
    rows.push([`… and total RSS < 1.5 GB (${int(RSS_LIMIT_MIB)} MiB)`, `${int(total)} MiB`, mark(total < RSS_LIMIT_MIB)]);
    rows.push([`… and the simulation keeps pace with the wall clock (sim/wall ≥ 0.99)`, ratio(r.compression), mark(keepsUp)]);
  }
  for (const { r } of sims(records, 'fast')) {
    const c = ceilingFor(records, r.devices);
    if (!c) continue;
    const share = r.messagesPerSecond / c.messagesPerSecond;
    rows.push([
      `fast mode, ${int(r.devices)} devices: ≥ 50 % of the transport-only ceiling`,
      `${int(r.messagesPerSecond)} / ${int(c.messagesPerSecond)} msg/s = ${(share * 100).toFixed(0)} %`,
      mark(share >= CEILING_SHARE),
    ]);
  }
  for (const { r } of sims(records, 'ward')) {
    const day = (r.wallMs * DAY_MS) / r.simMs;
    const how = r.simMs >= DAY_MS ? 'measured' : `extrapolated linearly from ${formatDuration(r.simMs)} simulated`;
    rows.push([
      `40-bed ward, 24 h simulated in < ${WARD_WALL_LIMIT_MS / 1000} s wall`,
      `${secs(day)} (${how})`,
      mark(day < WARD_WALL_LIMIT_MS),
    ]);
    const c = wardCeiling(records);
    if (c) {
      const floor = dayAt(c.messagesPerSecond, r.published, r.simMs);
      rows.push([
        `… for comparison, the bare transport alone moving the ward's 24 h of messages (no simulation)`,
        `${secs(floor)} at ${int(c.messagesPerSecond)} msg/s`,
        floor < WARD_WALL_LIMIT_MS ? 'below the target' : 'above the target',
      ]);
    }
  }
  return rows.length === 0 ? undefined : table(['target', 'measured', ''], rows);
}

/** The fast rows' settle windows as durations, smallest fleet first ("50s / 5s / 5s"), or one if all agree. */
function settleWindow(rows: readonly SimRowResult[]): string {
  const windows = [...rows].sort((a, b) => a.devices - b.devices).map((r) => (r.syncMs === undefined ? '?' : formatDuration(r.syncMs)));
  return new Set(windows).size === 1 ? windows[0]! : windows.join(' / ');
}
