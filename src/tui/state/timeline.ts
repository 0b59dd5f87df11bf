import type { Selector, TimelineEntry } from '../../scenario/schema.ts';

/** One scheduled injection of the scenario's timeline. */
export interface PlannedInjection {
  /** The entry's id, or "<fault>#<index>" as the scenario language names it. */
  label: string;
  fault: string;
  target: string;
  /** Simulation time it is due, ms; undefined for an event-triggered entry. */
  at: number | undefined;
  /** For `when:` entries: what fires it. */
  trigger: string | undefined;
  forMs: number | undefined;
}

/**
 * Expands the plan's timeline into scheduled injections (repeating entries into their occurrences,
 * at most `maxRepeats` each), sorted by time, triggered entries last.
 */
export function plannedInjections(
  timeline: readonly TimelineEntry[] | undefined,
  durationMs: number,
  maxRepeats = 100,
): PlannedInjection[] {
  const out: PlannedInjection[] = [];
  (timeline ?? []).forEach((entry, index) => {
    const label = entry.id ?? `${entry.fault}#${index}`;
    const base = { label, fault: entry.fault, target: selectorText(entry.target ?? {}), forMs: ms(entry.for) };
    if (entry.when) {
      const w = entry.when;
      const about = [w.device, w.code].filter(Boolean).join(' ');
      out.push({ ...base, at: undefined, trigger: `on ${w.event}${about ? ` (${about})` : ''}` });
      return;
    }
    const first = ms(entry.at) ?? 0;
    const every = ms(entry.every);
    if (every === undefined || every <= 0) {
      out.push({ ...base, at: first, trigger: undefined });
      return;
    }
    const until = Math.min(ms(entry.until) ?? durationMs, durationMs);
    for (let k = 0, at = first; at <= until && k < maxRepeats; k++, at += every) out.push({ ...base, at, trigger: undefined });
  });
  return out.sort((a, b) => (a.at ?? Number.POSITIVE_INFINITY) - (b.at ?? Number.POSITIVE_INFINITY));
}

function ms(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A selector as words: `device cgm-001`, `2 × kind cgm in zone icu`, `every device`. */
export function selectorText(selector: Partial<Selector>): string {
  const parts: string[] = [];
  if (selector.device !== undefined) parts.push(`device ${Array.isArray(selector.device) ? selector.device.join(',') : selector.device}`);
  if (selector.kind !== undefined) parts.push(`kind ${selector.kind}`);
  if (selector.zone !== undefined) parts.push(`zone ${selector.zone}`);
  if (selector.tag !== undefined) parts.push(`tag ${selector.tag}`);
  const what = parts.length > 0 ? parts.join(' ') : 'every device';
  if (selector.count !== undefined) return `${selector.count} × ${what}`;
  if (selector.fraction !== undefined) return `${Math.round(selector.fraction * 100)}% of ${what}`;
  return what;
}

/** Column (0..width-1) of simulation time `t` on a bar `width` wide covering the run. */
export function timeColumn(t: number, durationMs: number, width: number): number {
  if (width <= 1 || durationMs <= 0) return 0;
  return Math.max(0, Math.min(width - 1, Math.floor((t / durationMs) * width)));
}
