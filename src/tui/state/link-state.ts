/**
 * A device's link as the central station sees it:
 *  - `connecting`: not connected yet (booting);
 *  - `online`: connected and heard in time;
 *  - `degraded`: connected, but the twin has it stale (its messages are not getting through in time)
 *    or a network fault is acting on its link or zone;
 *  - `offline`: its connection is gone (its last will, or the twin's shadow);
 *  - `backfilling`: connected again and still sending what it kept while offline (its store-and-forward
 *    buffer, in the delivery ledger).
 */
export type LinkState = 'connecting' | 'online' | 'degraded' | 'offline' | 'backfilling';

export interface LinkFacts {
  /** The device has been connected at least once. */
  everOnline: boolean;
  online: boolean;
  stale: boolean;
  /** A network fault acts on the device's link or zone now. */
  networkFault: boolean;
  /** Messages in the device's offline buffer now (the ledger's `buffered`). */
  buffered: number;
}

/** The link state from what the twin's shadow, the ledger and the active faults say. */
export function linkState(facts: LinkFacts): LinkState {
  if (!facts.online) return facts.everOnline ? 'offline' : 'connecting';
  if (facts.buffered > 0) return 'backfilling';
  if (facts.stale || facts.networkFault) return 'degraded';
  return 'online';
}

/** How a link state reads in a row or the detail view, with the buffer's size where it matters. */
export function linkLabel(state: LinkState, buffered: number): string {
  return (state === 'offline' || state === 'backfilling') && buffered > 0 ? `${state} (${buffered} buffered)` : state;
}
