import type { LoggedEvent } from '../../core/event-log.ts';
import { asRecord } from './series.ts';

/**
 * Where an event stands in the chain of one instant: what causes comes before what it causes. The log
 * orders an instant canonically (source, type, payload) for its digest, which is stable but not
 * causal: `command.accepted` from `infusion-pump-001` sorts before the twin's `twin.command` that sent
 * it, and a CGM's `no-sensor → warm-up` before its `off → no-sensor`.
 */
const RANK: Readonly<Record<string, number>> = {
  'run.started': 0,
  'clinical.event': 1,
  'fault.injected': 1,
  'fault.reverted': 1,
  'twin.command': 2,
  'command.received': 3,
  'command.accepted': 4,
  'command.rejected': 4,
  'command.malformed': 4,
  'state.changed': 5,
  'alarm.raised': 6,
  'alarm.updated': 6,
  'alarm.cleared': 6,
  telemetry: 7,
  'run.finished': 99,
};

function rank(type: string): number {
  if (type in RANK) return RANK[type]!;
  if (type.startsWith('twin.')) return 8;
  if (type.startsWith('ids.')) return 9;
  return 7;
}

/**
 * The events of a sealed batch in causal order for display: by time, then within one instant by
 * cause (injections and commands sent, then what devices did about them, then what the twin saw), and
 * a device's state changes of one instant as the chain they form. The log's own order (and its ids)
 * is untouched; only what the TUI shows follows this.
 */
export function causalOrder(batch: readonly LoggedEvent[]): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  for (let i = 0; i < batch.length; ) {
    let j = i + 1;
    while (j < batch.length && batch[j]!.t === batch[i]!.t) j++;
    const instant = batch.slice(i, j);
    out.push(...(instant.length === 1 ? instant : orderInstant(instant)));
    i = j;
  }
  return out;
}

function orderInstant(events: LoggedEvent[]): LoggedEvent[] {
  const sorted = events.map((e, index) => ({ e, index })).sort((a, b) => rank(a.e.type) - rank(b.e.type) || a.index - b.index);
  const ordered = sorted.map((x) => x.e);
  // Each device's state changes of the instant, in the slots they hold, re-ordered into their chain.
  const bySource = new Map<string, number[]>();
  ordered.forEach((e, i) => {
    if (e.type !== 'state.changed') return;
    const slots = bySource.get(e.source) ?? [];
    slots.push(i);
    bySource.set(e.source, slots);
  });
  for (const slots of bySource.values()) {
    if (slots.length < 2) continue;
    const chain = stateChain(slots.map((i) => ordered[i]!));
    slots.forEach((slot, k) => {
      ordered[slot] = chain[k]!;
    });
  }
  return ordered;
}

/** State changes ordered so that each starts where the one before ended; the given order when they form no chain. */
function stateChain(changes: LoggedEvent[]): LoggedEvent[] {
  const from = (e: LoggedEvent) => String(asRecord(e.data)?.from ?? '');
  const to = (e: LoggedEvent) => String(asRecord(e.data)?.to ?? '');
  const targets = new Set(changes.map(to));
  const start = changes.find((e) => !targets.has(from(e)));
  if (start === undefined) return changes;
  const chain = [start];
  const left = changes.filter((e) => e !== start);
  while (left.length > 0) {
    const next = left.findIndex((e) => from(e) === to(chain[chain.length - 1]!));
    if (next < 0) return changes;
    chain.push(left.splice(next, 1)[0]!);
  }
  return chain;
}
