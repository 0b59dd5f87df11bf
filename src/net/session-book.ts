import type { SessionDriver } from './session-driver.ts';

/**
 * What the network between a client and the broker knows about that client's connection (a run's
 * fault proxies, which are in this process): `open` — a live connection both ways; `swallowed` — a
 * connection whose bytes a fault swallows or holds (nothing sent now gets an answer until the fault
 * ends); `none` — no live connection (refused, reset, or closing); `behind` — open, but a fault that
 * acts on when bytes pass (a byte quota) has not read all the client wrote yet.
 */
export type PathState = 'open' | 'swallowed' | 'none' | 'behind';

/**
 * Looks a client's connection up on the network in front of the broker: the one its socket opened
 * from `localPort` (undefined: the socket has no port yet, or the client's newest connection), which
 * has written `written` bytes so far.
 */
export type SessionPath = (clientId: string, localPort?: number, written?: number) => PathState;

/** Whether the network has heard all there is of the close of `clientId`'s connection from `localPort` (RunNetwork.closeHeard). */
export type CloseHeard = (clientId: string, localPort: number) => boolean;

interface Entry {
  driver: SessionDriver;
  outstanding: number;
  /** Outstanding is a PINGREQ alone, on an open path: the instant by which its answer must be in (SessionDriver.pingDue). */
  pingDue: number | undefined;
  /** The last abandoned connection (SessionDriver.abandoned) whose close the network has heard. */
  heard: number;
}

/**
 * The sessions of a run's clients (device and twin SessionDrivers), as the settle barrier of a clock
 * that moves in whole windows (fast mode, or realtime at 'max': countWhile) needs them: how many
 * exchanges with the broker are still on the wire. The clock must not move on while an attempt's outcome, a PINGREQ's answer or a SUBSCRIBE's SUBACK is unknown, nor while the
 * network has cut a connection its client has not noticed yet — otherwise when a device notices (and
 * so when it reconnects, buffers, raises its alarm) would depend on socket timing.
 *
 * An exchange through a connection the network swallows is not waited for: it cannot complete before
 * the fault ends (the client's own keep-alive or CONNACK timeout, on the simulated clock, decides what
 * happens), and the fault's end is an instant at which the book is counted again.
 */
export class SessionBook {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<() => void>();
  #path: SessionPath | undefined;
  #closeHeard: CloseHeard | undefined;
  #outstanding = 0;
  /** Outstanding entries whose exchange is not a PINGREQ that may wait (see urgent). */
  #urgent = 0;
  /** Entries with only a PINGREQ outstanding on an open path (Entry.pingDue). */
  readonly #pings = new Set<Entry>();
  /** The earliest of their pingDue, while known (undefined: to be found again). */
  #pingDeadline: number | undefined;
  #counts: () => boolean = () => true;
  /** Set by #count: the client was counted for its own exchanges alone, on an open path (or with no network). */
  #exchangesOnly = false;

  /**
   * Whether the barrier waits for exchanges now: while the run's clock moves in whole windows (fast
   * mode, or realtime with its pacer at 'max'). Paced by the wall clock, an exchange has its wall time
   * to complete before the clock reaches its timeout, so `outstanding` is 0 (the book keeps counting,
   * so a switch to 'max' finds it current).
   */
  countWhile(counts: () => boolean): void {
    this.#counts = counts;
  }

  /** The network's view of each client's connection (RunNetwork.pathOf); without one only the clients' own exchanges count. */
  setPath(path: SessionPath): void {
    this.#path = path;
    this.recount();
  }

  /**
   * What the network has heard of a close a client made (RunNetwork.closeHeard). A client that gives
   * up on its connection without a DISCONNECT is waited for until then: the broker publishes its will
   * when that close reaches it, and the will must be booked at the instant the client gave up.
   */
  setCloseHeard(closeHeard: CloseHeard): void {
    this.#closeHeard = closeHeard;
    this.recount();
  }

  /** Adds a client's driver; returns the removal. */
  add(clientId: string, driver: SessionDriver): () => void {
    const entry: Entry = { driver, outstanding: 0, pingDue: undefined, heard: driver.abandoned?.n ?? 0 };
    this.#entries.set(clientId, entry);
    const off = driver.onChange(() => this.#update(clientId, entry));
    this.#update(clientId, entry);
    return () => {
      off();
      this.#outstanding -= entry.outstanding;
      if (entry.outstanding > 0 && entry.pingDue === undefined) this.#urgent--;
      this.#forgetPing(entry);
      entry.outstanding = 0;
      if (this.#entries.get(clientId) === entry) this.#entries.delete(clientId);
      this.#changed();
    };
  }

  /** The driver of a client, if it has one here. */
  driver(clientId: string): SessionDriver | undefined {
    return this.#entries.get(clientId)?.driver;
  }

  /** Exchanges still on the wire, over every client. */
  get outstanding(): number {
    return this.#counts() ? this.#outstanding : 0;
  }

  /**
   * Exchanges that must complete before the clock moves at all: `outstanding` but for PINGREQs alone
   * on an open path, which may wait until `pingDeadline` (their answer is certain, and restarts the
   * keep-alive from when the PINGREQ went out whenever it is taken in: ClockTimer.from). A fast run's
   * clients each ping once per keep-alive, at instants of their own; settling at each cost the run a
   * network round trip per PINGREQ.
   */
  get urgent(): number {
    return this.#counts() ? this.#urgent : 0;
  }

  /** The earliest instant by which an outstanding PINGREQ's answer must have been taken in, or undefined. */
  get pingDeadline(): number | undefined {
    if (!this.#counts() || this.#pings.size === 0) return undefined;
    if (this.#pingDeadline === undefined)
      for (const entry of this.#pings) this.#pingDeadline = Math.min(this.#pingDeadline ?? Infinity, entry.pingDue!);
    return this.#pingDeadline;
  }

  /** Called when `outstanding` may have changed. Returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Counts every client again (the network changed: a fault began or ended, a connection opened or closed). */
  recount(): void {
    for (const [clientId, entry] of this.#entries) this.#update(clientId, entry, false);
    this.#changed();
  }

  /**
   * Counts one client again: the network's news was about its own connection (opened, closed, cut),
   * which changes no other client's path.
   */
  recountClient(clientId: string): void {
    const entry = this.#entries.get(clientId);
    if (entry !== undefined) this.#update(clientId, entry, false);
    this.#changed();
  }

  /** Clients on the wire now, for a stalled settle's message. */
  pending(): string[] {
    if (!this.#counts()) return [];
    return [...this.#entries].filter(([, e]) => e.outstanding > 0).map(([id]) => id);
  }

  #update(clientId: string, entry: Entry, notify = true): void {
    this.#exchangesOnly = false;
    const next = this.#count(clientId, entry);
    // Only the client's own exchanges keep it counted, its path open: a PINGREQ alone may wait.
    const pingDue = next > 0 && this.#exchangesOnly ? entry.driver.pingDue : undefined;
    if (next === entry.outstanding && pingDue === entry.pingDue) return;
    if (entry.outstanding > 0 && entry.pingDue === undefined) this.#urgent--;
    if (next > 0 && pingDue === undefined) this.#urgent++;
    this.#forgetPing(entry);
    entry.pingDue = pingDue;
    if (pingDue !== undefined) {
      this.#pings.add(entry);
      if (this.#pingDeadline !== undefined) this.#pingDeadline = Math.min(this.#pingDeadline, pingDue);
    }
    this.#outstanding += next - entry.outstanding;
    entry.outstanding = next;
    if (notify) this.#changed();
  }

  #forgetPing(entry: Entry): void {
    if (!this.#pings.delete(entry)) return;
    if (entry.pingDue === this.#pingDeadline) this.#pingDeadline = undefined;
    entry.pingDue = undefined;
  }

  #count(clientId: string, entry: Entry): number {
    const { driver } = entry;
    const state = driver.state;
    if (state === 'ended') return 0;
    if (state !== 'waiting' && driver.closing) return 1;
    // It gave up on a connection: until the network has read that close, what the broker makes of it
    // (the client's will) is still to come.
    const abandoned = driver.abandoned;
    if (abandoned !== undefined && abandoned.n > entry.heard && this.#closeHeard !== undefined) {
      if (!this.#closeHeard(clientId, abandoned.port)) return 1;
      entry.heard = abandoned.n;
    }
    if (state === 'waiting') return 0;
    // The very connection the client is on now: an attempt still on its way to the network has no
    // port yet, or one the network has not read the CONNECT of (none: waited for).
    const stream = driver.client.stream as { localPort?: number; connecting?: boolean; bytesWritten?: number } | undefined;
    const port = stream?.connecting === false ? stream.localPort : undefined;
    const path = this.#path === undefined ? undefined : port === undefined ? 'none' : this.#path(clientId, port, stream?.bytesWritten);
    // Bytes on their way to a fault that must see them at this instant.
    if (path === 'behind') return 1;
    if (path === 'swallowed') return 0;
    // Connected, but the network has cut the connection: the client is about to hear of it.
    if (state === 'connected' && path === 'none') return 1;
    this.#exchangesOnly = true;
    return driver.inFlight > 0 ? 1 : 0;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
