import { matchesFilter, SEVERITIES, severityRank, type FeedFilter, type FeedItem, type Severity } from './feed.ts';
import { RingBuffer } from './ring-buffer.ts';

/**
 * The recent feed, kept per severity so a flood of minor events (a plausibility check firing every
 * second on forty monitors) cannot push the alarms out of memory: each severity keeps its own newest
 * `capacity` items.
 */
export class FeedLog {
  readonly #rings = new Map<Severity, RingBuffer<FeedItem>>();

  constructor(capacity: number) {
    for (const s of SEVERITIES) this.#rings.set(s, new RingBuffer(capacity));
  }

  push(item: FeedItem): void {
    this.#rings.get(item.severity)!.push(item);
  }

  get size(): number {
    let n = 0;
    for (const ring of this.#rings.values()) n += ring.size;
    return n;
  }

  /** Kept items that pass the filter, oldest first. */
  items(filter: FeedFilter): FeedItem[] {
    const out: FeedItem[] = [];
    for (const [severity, ring] of this.#rings) {
      if (severityRank(severity) < severityRank(filter.minSeverity)) continue;
      for (const item of ring.toArray()) if (matchesFilter(item, filter)) out.push(item);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }
}
