import { formatDuration, formatSimTime } from '../core/duration.ts';
import type { ExpectationResult, IdsAlertRecord, RealtimePace, RunResult } from '../scenario/result.ts';

/**
 * Number and text formatting shared by the reporters. Locale-free on purpose (no toLocaleString), so a
 * report is byte-identical on every machine for the same result.
 */

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole, fraction] = String(Math.abs(n)).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? '-' : '') + grouped + (fraction === undefined ? '' : `.${fraction}`);
}

/** A measured value: integers grouped, fractions to about three significant digits, null as a dash. */
export function formatValue(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return formatCount(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return formatCount(Number(value.toFixed(digits)));
}

/** Wall time for people: "4.2s" under a minute, "3m12s" above (wall time is never exact anyway). */
export function formatWall(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return formatDuration(Math.round(ms / 1000) * 1000);
}

/** A study figure's name for people: "latencyP50Ms" → "latency p50". */
export function figureLabel(name: string): string {
  return name
    .replace(/Ms$/, '')
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .toLowerCase();
}

/** A study figure's value: durations for names ending in "Ms" ("12s"), plain values otherwise. */
export function formatFigure(name: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return name.endsWith('Ms') ? formatDuration(Math.round(value)) : formatValue(value);
}

/** The rows of a study expectation's figures (detection latency...), as [label, distribution]. */
export function figureRows(
  figures: Record<string, { p50: number; p95: number; min: number; max: number; mean: number; n: number }> | undefined,
) {
  return Object.entries(figures ?? {}).map(([name, d]) => ({ name, label: figureLabel(name), d }));
}

/** A fraction 0..1 as a percentage: 0.93 → "93.0 %". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

/** Per-kind figures as one short line: { mard: 9.123, clarkeA: 88.2 } → "mard 9.12 · clarkeA 88.2". */
export function formatFigures(figures: Record<string, number> | undefined): string {
  if (figures === undefined) return '';
  return Object.entries(figures)
    .map(([name, value]) => `${name} ${formatValue(value)}`)
    .join(' · ');
}

/** IEC 60601-1-8 orders alarm priorities high, medium, low; anything else follows alphabetically. */
const PRIORITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

export function sortPriorities(priorities: Iterable<string>): string[] {
  return [...priorities].sort((a, b) => (PRIORITY_RANK[a] ?? 3) - (PRIORITY_RANK[b] ?? 3) || a.localeCompare(b, 'en'));
}

/** A pseudo-expectation every run is judged on: the transport lost nothing and always settled. */
export interface TransportCheck {
  name: 'transport delivery';
  passed: boolean;
  message: string;
}

export function transportCheck(result: RunResult): TransportCheck {
  const { lost, settleTimeouts, published, lostToFaults = 0 } = result.delivery;
  // Losses a scenario's network fault caused on purpose are the fault's effect, not the transport's failure.
  const unexplained = Math.max(0, lost - lostToFaults);
  const passed = unexplained === 0 && settleTimeouts === 0;
  const byFaults = lostToFaults > 0 ? ` (${formatCount(lostToFaults)} lost to network faults, as the scenario meant)` : '';
  const message = passed
    ? lostToFaults > 0
      ? `${formatCount(published - lost)} of ${formatCount(published)} messages delivered${byFaults}`
      : `all ${formatCount(published)} messages delivered`
    : `${formatCount(unexplained)} of ${formatCount(published)} messages lost${byFaults}, ${formatCount(settleTimeouts)} settle timeouts`;
  return { name: 'transport delivery', passed, message };
}

/**
 * The run-integrity line every reporter prints when a patient's true state left the physiological
 * bounds (RunResult.integrity): undefined for a run whose physiology stayed valid.
 */
export function integrityLine(result: Pick<RunResult, 'integrity'>): string | undefined {
  const integrity = result.integrity;
  if (integrity === undefined || integrity.ok) return undefined;
  const first = integrity.first[0];
  const where = first ? `: first ${first.patient} at ${formatSimTime(first.t)}, ${first.reason}` : '';
  return `INTEGRITY ERROR: ${formatCount(integrity.errors)} impossible patient state${integrity.errors === 1 ? '' : 's'} (physiology.invalid)${where} — the run's clinical figures are not valid`;
}

/** Passed and failed checks of a run: its expectations, the transport check and run integrity. */
export function countChecks(result: RunResult): { passed: number; failed: number } {
  const checks: { passed: boolean }[] = [
    ...result.expectations,
    transportCheck(result),
    ...(result.integrity && !result.integrity.ok ? [{ passed: false }] : []),
  ];
  const passed = checks.filter((c) => c.passed).length;
  return { passed, failed: checks.length - passed };
}

/** "measured 93,000 (<= 300000 ms)". */
export function describeMeasurement(e: ExpectationResult): string {
  return `measured ${formatValue(e.measured)} (${e.threshold})`;
}

/** The command that reproduces a run, quoted for a POSIX shell. */
export { replayCommand, shellQuote } from '../scenario/replay.ts';

/** A realtime run within 1 % of its speed kept pace (the last slice always ends a little behind). */
const KEPT_PACE = 0.99;

export function keptPace(p: RealtimePace): boolean {
  return p.pace >= KEPT_PACE;
}

/** A realtime run's pace for people, with what to do when the machine could not keep it. */
export function describePace(p: RealtimePace): string {
  const speed = p.speed === 'max' ? 'max' : `×${formatValue(p.speed)}`;
  // A backlog worth naming: a second of simulated time that is also a quarter second of wall time.
  const backlog =
    p.maxLagMs >= 1000 && (p.speed === 'max' || p.maxLagMs / p.speed >= 250)
      ? `, largest backlog ${formatWall(p.maxLagMs)}, caught up`
      : '';
  if (keptPace(p)) return `kept pace at ${speed}${backlog}`;
  return (
    `fell behind at ${speed}: ${formatWall(p.behindMs)} of simulated time ran late (${formatPercent(p.pace)} of the asked speed). ` +
    'The machine could not keep this fleet at this speed: lower --speed, or use fast mode for results that do not depend on the wall clock'
  );
}

/** Where the broker ran, for people: medtwin's embedded aedes (in this process or a child), or someone else's. */
export function brokerLabel(placement: string): string {
  if (placement === 'in-process') return 'embedded aedes, in-process';
  if (placement === 'child-process') return 'embedded aedes, in a child process';
  if (placement === 'external') return 'external broker';
  return placement;
}

/** The bound in a threshold's text ("<= 300000 ms", "sensitivity >= 0.90 within 5m"), or undefined. */
export function thresholdBound(threshold: string | undefined): { op: '<=' | '>='; value: number } | undefined {
  const m = /(<=|>=|<|>|≤|≥)\s*(-?\d+(?:\.\d+)?)/.exec(threshold ?? '');
  if (!m) return undefined;
  const op = m[1] === '<=' || m[1] === '<' || m[1] === '≤' ? '<=' : '>=';
  return { op, value: Number(m[2]) };
}

/** How close a study's tail comes to its bound before it fails: within this share of the bound is a near miss. */
export const NEAR_MISS_SHARE = 0.05;

/**
 * A near miss: every seed passed, but the tail that matters lies within 5 % of the bound — the p95 of
 * a value with an upper bound, the p5 of one with a lower bound. A bound of 0 has no 5 % margin.
 */
export function nearMiss(values: readonly number[], bound: { op: '<=' | '>='; value: number } | undefined): boolean {
  if (bound === undefined || values.length === 0 || bound.value === 0) return false;
  // Every seed exactly at the bound (a sensitivity of 1 against ">= 1"): nothing varies, nothing nearly failed.
  if (values.every((v) => v === bound.value)) return false;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const margin = Math.abs(bound.value) * NEAR_MISS_SHARE;
  if (bound.op === '<=') {
    const p95 = rank(0.95);
    return p95 <= bound.value && p95 >= bound.value - margin;
  }
  const p5 = rank(0.05);
  return p5 >= bound.value && p5 <= bound.value + margin;
}

/** A threshold for people: durations in ms as durations ("<= 300000 ms" → "<= 5m"). */
export function thresholdText(threshold: string): string {
  return threshold.replace(/(-?\d+(?:\.\d+)?) ?ms\b/g, (_, n: string) => formatDuration(Number(n)) || '0s');
}

/** A measured value with the unit its threshold is in: "3m" for a latency bounded in ms, "12.4 %" for a percentage. */
export function measuredText(e: Pick<ExpectationResult, 'measured' | 'threshold'>): string {
  if (typeof e.measured !== 'number') return formatValue(e.measured);
  if (/\d ?ms\b/.test(e.threshold)) return formatDuration(Math.round(e.measured)) || '0s';
  if (/\d ?%/.test(e.threshold)) return `${formatValue(e.measured)} %`;
  return formatValue(e.measured);
}

/**
 * The security profile a run applied, the controls in force and what they did, in one line; undefined
 * for a run that asked for none (RunResult.security).
 */
export function securityLine(result: Pick<RunResult, 'security'>): string | undefined {
  const s = result.security;
  if (s === undefined) return undefined;
  const parts = [`${s.profile}: ${s.controls.length === 0 ? 'no controls' : s.controls.join(', ')}`];
  if (s.broker)
    parts.push(
      `${formatCount(s.broker.accepted)} logins, ${formatCount(s.broker.refused)} refused, ${formatCount(s.broker.publishesDenied + s.broker.subscribesDenied)} denied`,
    );
  if (s.commands.viaConsole > 0 || s.commands.refusedByDevices > 0 || s.commands.deniedAtBroker > 0) {
    parts.push(
      `${formatCount(s.commands.viaConsole)} commands via consoles, ${formatCount(s.commands.refusedByDevices)} refused by devices, ${formatCount(s.commands.deniedAtBroker)} dropped by the broker`,
    );
  }
  if (s.commandChecks && (s.commandChecks['signature-only'] > 0 || s.commandChecks.none > 0)) {
    parts.push(
      `vulnerable firmware: ${formatCount(s.commandChecks.none)} unauthenticated, ${formatCount(s.commandChecks['signature-only'])} replayable`,
    );
  }
  if (s.audit) parts.push(`audit ${formatCount(s.audit.records)} records, head ${s.audit.head.slice(0, 16)}`);
  if (s.researchExport) {
    const e = s.researchExport;
    parts.push(
      `research export ${formatCount(e.released)} records of ${formatCount(e.patients)} consenting patients, ${formatCount(e.withheld)} withheld${e.file ? `, written to ${e.file}` : ''}`,
    );
  }
  return parts.join(' · ');
}

/**
 * Each patch campaign of a run in one line: per zone, pumps offered the image, patched, rolled back,
 * failed (left down) and refused it (RunResult.campaigns).
 */
export function campaignLines(result: Pick<RunResult, 'campaigns'>): string[] {
  return (result.campaigns ?? []).map((c) => {
    const zones = c.zones.map(
      (z) =>
        `${z.zone} ${formatCount(z.patched)}/${formatCount(z.offered)} patched, ${formatCount(z.rolledBack)} rolled back, ${formatCount(z.failed)} failed, ${formatCount(z.refused)} refused`,
    );
    return `${c.id}: ${c.kind} → ${c.to} · ${zones.length === 0 ? 'no stage yet' : zones.join(' · ')}`;
  });
}

/** Severities from the worst down, as the detector grades them (src/defense/ids/rule.ts). */
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

/**
 * What the intrusion detector did, in one line: alerts by severity and by rule, or that it could not
 * watch (a broker it cannot tap); undefined for a run without a detector (RunResult.ids).
 */
export function idsLine(result: Pick<RunResult, 'ids'>): string | undefined {
  const ids = result.ids;
  if (ids === undefined) return undefined;
  if (!ids.available) return 'not watching: only an in-process broker can be tapped, and this detector was given none';
  const observed = `${formatCount(ids.observations)} observations`;
  if (ids.alerts === 0) return `no alerts · ${observed}`;
  const severities = [...SEVERITY_ORDER, ...Object.keys(ids.bySeverity).filter((s) => !SEVERITY_ORDER.includes(s))]
    .filter((s) => (ids.bySeverity[s] ?? 0) > 0)
    .map((s) => `${formatCount(ids.bySeverity[s]!)} ${s}`);
  const rules = Object.entries(ids.byRule)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([rule, n]) => `${rule} ${formatCount(n)}`);
  return `${formatCount(ids.alerts)} alert${ids.alerts === 1 ? '' : 's'}: ${severities.join(' · ')} · rules: ${rules.join(', ')} · ${observed}`;
}

/** One alert for a line of text: when, how bad, which rule and techniques, who and what it names. */
export function idsAlertLine(alert: IdsAlertRecord): string {
  const subject = alert.device === undefined ? alert.clientId : `${alert.device} (client ${alert.clientId})`;
  return `${formatSimTime(alert.t)} ${alert.severity} ${alert.rule} [${alert.techniques.join(', ')}] ${subject}: ${alert.summary}`;
}
