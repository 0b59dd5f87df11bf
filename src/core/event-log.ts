import { createHash, type Hash } from 'node:crypto';
import { canonicalJson, isStringifyCanonical } from './canonical-json.ts';

/**
 * One thing that happened in a simulation, at simulation time `t` (ms since start). `source` is who
 * did it (`pump-003`, `twin`, `injector`, `runner`); `type` is a dotted name (`alarm.raised`).
 */
export interface SimEvent<TType extends string = string, TData = Record<string, unknown>> {
  t: number;
  source: string;
  type: TType;
  data: TData;
}

/** An event after the log has placed it: `id` is its position in canonical order, from 1. */
export type LoggedEvent = SimEvent & { id: number };

export type EventSink = (events: readonly LoggedEvent[]) => void;

/**
 * The canonical event log. Events may be recorded in any order within a time window (messages arrive
 * over real sockets with real jitter); `seal(t)` sorts everything at or before `t` by
 * (time, source, type, canonical payload), numbers it, hashes it into the running SHA-256 digest and
 * hands it to the sinks. Sealed events are not kept in memory unless a sink keeps them, so a day-long
 * run of a large fleet streams through in bounded memory.
 */
export class EventLog {
  #pending: SimEvent[] = [];
  /** Recorded with `sorted` (see record): written without the key-order check. */
  #pendingSorted: SimEvent[] = [];
  /** The `bodyJson` each of #pendingSorted was recorded with (see record), index for index. */
  #pendingBodies: (string | undefined)[] = [];
  #hasher = new LineHasher(createHash('sha256'));
  #sealedUpTo = Number.NEGATIVE_INFINITY;
  #count = 0;
  #sinks = new Set<EventSink>();
  #recordListeners = new Set<(event: SimEvent) => void>();
  #digest: string | undefined;

  /**
   * Records an event. Recording at or before an already sealed time is a determinism bug, so it throws.
   * The log owns the event from here on: it is serialized when sealed, so neither it nor its data may
   * change after this call.
   *
   * `sorted`: the producer built `data` of plain objects and arrays with every object's keys in
   * ascending order (by construction, as the devices' telemetry records are), so its line is one
   * `JSON.stringify` with no check of key order — the check was a third of the cost of writing the
   * commonest event. Under vitest (VITEST set) the check runs anyway and a wrong claim throws, so
   * every test run checks every claim made in it.
   *
   * `bodyJson` (with `sorted`): `data.body` as JSON.stringify writes it, from a producer that wrote
   * that text already (a device's envelope holds its telemetry body): the line is written around it,
   * not by serializing the body a second time. The same line, byte for byte; under vitest it is
   * compared with the one JSON.stringify writes.
   */
  record<T extends string, D>(event: SimEvent<T, D>, sorted = false, bodyJson?: string): void {
    if (this.#digest !== undefined) throw new Error('EventLog is closed: no events can be recorded after digest()');
    if (event.t <= this.#sealedUpTo) {
      throw new Error(
        `Event ${event.source}/${event.type} at t=${event.t} ms arrived after the log was sealed up to ${this.#sealedUpTo} ms; ` +
          'record events before the runner seals their time window',
      );
    }
    const plain = event as unknown as SimEvent;
    for (const listener of this.#recordListeners) listener(plain);
    if (!sorted) this.#pending.push(plain);
    else {
      this.#pendingSorted.push(plain);
      this.#pendingBodies.push(bodyJson);
    }
  }

  /** Time up to which the log is final. */
  get sealedUpTo(): number {
    return this.#sealedUpTo;
  }

  /** Number of events sealed so far. */
  get count(): number {
    return this.#count;
  }

  /** Events recorded but not yet sealed. */
  get pendingCount(): number {
    return this.#pending.length + this.#pendingSorted.length;
  }

  /** Subscribes to sealed events, delivered in canonical order in batches. Returns an unsubscribe function. */
  subscribe(sink: EventSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  /**
   * Hears every event as it is recorded, before it is ordered or sealed — for reactions inside the
   * same simulation instant (an injection triggered by an alarm). Returns an unsubscribe function.
   */
  onRecord(listener: (event: SimEvent) => void): () => void {
    this.#recordListeners.add(listener);
    return () => this.#recordListeners.delete(listener);
  }

  /** Makes every event at or before `t` final: orders, numbers, hashes and publishes them. */
  seal(t: number): void {
    if (t <= this.#sealedUpTo) return;
    const ready: { event: SimEvent; line: string }[] = [];
    // Lines are written here, not as events are recorded: a window's events then wait for their seal
    // without a string each, and the strings die young (a large fleet's log otherwise fills the old
    // generation with them). Their order of recording does not matter: the sort below decides.
    this.#pending = takeDue(this.#pending, t, ready, canonicalLine);
    this.#takeDueSorted(t, ready);
    this.#sealedUpTo = t;
    if (ready.length === 0) return;
    ready.sort(compareEntries);
    const batch: LoggedEvent[] = [];
    const hasher = this.#hasher;
    for (const { event, line } of ready) {
      this.#count++;
      hasher.line(line);
      // Numbered in place: the log owns what it was given, and a copy per event is garbage per event.
      const logged = event as LoggedEvent;
      logged.id = this.#count;
      batch.push(logged);
    }
    hasher.flush();
    for (const sink of this.#sinks) sink(batch);
  }

  /** takeDue for the events recorded `sorted`, each with the `bodyJson` it came with. */
  #takeDueSorted(t: number, ready: { event: SimEvent; line: string }[]): void {
    const pending = this.#pendingSorted;
    const bodies = this.#pendingBodies;
    if (pending.length === 0) return;
    const later: SimEvent[] = [];
    const laterBodies: (string | undefined)[] = [];
    for (let i = 0; i < pending.length; i++) {
      const event = pending[i]!;
      const bodyJson = bodies[i];
      if (event.t > t) {
        later.push(event);
        laterBodies.push(bodyJson);
      } else if (bodyJson === undefined) ready.push({ event, line: VERIFY_SORTED ? verifiedSortedLine(event) : sortedLine(event) });
      else ready.push({ event, line: VERIFY_SORTED ? verifiedLineAround(event, bodyJson) : lineAround(event, bodyJson) });
    }
    this.#pendingSorted = later;
    this.#pendingBodies = laterBodies;
  }

  /** Seals everything and returns the hex SHA-256 of the canonical JSON Lines log. Closes the log. */
  digest(): string {
    if (this.#digest === undefined) {
      this.seal(Number.POSITIVE_INFINITY);
      this.#digest = this.#hasher.digest();
    }
    return this.#digest;
  }
}

/**
 * Feeds lines to a hash as UTF-8, each followed by a newline, through one reused buffer. Every line of
 * the log goes through here: writing each into the buffer and hashing the buffer when full cost a sixth
 * of what joining the lines into a long string and hashing that did (the string is a rope V8 flattens
 * and then encodes again), and the bytes are the same — `Buffer#utf8Write` and `Hash#update(string)`
 * both write UTF-8 with lone surrogates replaced.
 */
/**
 * `Buffer#utf8Write`, which `Buffer#write` calls after checking its arguments (Node's lib/buffer.js):
 * called directly it allocates nothing per line, where `write` allocated about 100 bytes each time.
 */
type Utf8Writable = Buffer & { utf8Write(text: string, offset: number): number };

class LineHasher {
  readonly #hash: Hash;
  readonly #buffer = Buffer.allocUnsafe(1 << 16);
  #used = 0;

  constructor(hash: Hash) {
    this.#hash = hash;
  }

  line(line: string): void {
    // At most 3 bytes of UTF-8 per UTF-16 unit, plus the newline.
    const most = line.length * 3 + 1;
    if (this.#used + most > this.#buffer.length) {
      this.flush();
      if (most > this.#buffer.length) {
        this.#hash.update(line);
        this.#hash.update('\n');
        return;
      }
    }
    this.#used += (this.#buffer as Utf8Writable).utf8Write(line, this.#used);
    this.#buffer[this.#used++] = 0x0a;
  }

  flush(): void {
    if (this.#used === 0) return;
    this.#hash.update(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }

  digest(): string {
    this.flush();
    return this.#hash.digest('hex');
  }
}

/** Under vitest every `sorted` claim is checked (EventLog.record). */
const VERIFY_SORTED = typeof process !== 'undefined' && process.env.VITEST !== undefined;

/** Moves the events of `pending` due by `t` into `ready` with their lines; returns those left. */
function takeDue(
  pending: SimEvent[],
  t: number,
  ready: { event: SimEvent; line: string }[],
  lineOf: (event: SimEvent) => string,
): SimEvent[] {
  if (pending.length === 0) return pending;
  const later: SimEvent[] = [];
  for (let i = 0; i < pending.length; i++) {
    const event = pending[i]!;
    if (event.t <= t) ready.push({ event, line: lineOf(event) });
    else later.push(event);
  }
  return later;
}

// Keys in sorted order, so a payload built sorted is written by one JSON.stringify.
function canonicalLine(event: SimEvent): string {
  return canonicalJson({ data: event.data, source: event.source, t: event.t, type: event.type });
}

function sortedLine(event: SimEvent): string {
  return JSON.stringify({ data: event.data, source: event.source, t: event.t, type: event.type });
}

function verifiedSortedLine(event: SimEvent): string {
  const wrapper = { data: event.data, source: event.source, t: event.t, type: event.type };
  if (!isStringifyCanonical(wrapper))
    throw new Error(
      `EventLog: ${event.source}/${event.type} at t=${event.t} ms was recorded as sorted, but its data is not in canonical form ` +
        `(keys in ascending order, plain objects only): ${canonicalJson(event.data)}. Build it with sorted keys, or record it without \`sorted\``,
    );
  return JSON.stringify(wrapper);
}

/**
 * sortedLine's text for an event whose `data.body` is already written as `bodyJson`: `data`'s keys in
 * their (sorted) order, each value as JSON.stringify writes it inside an object (an undefined one left
 * out), the body's own text in place of writing it again.
 */
function lineAround(event: SimEvent, bodyJson: string): string {
  const data = event.data;
  let out = '{"data":{';
  let first = true;
  for (const key in data) {
    const value = data[key];
    if (value === undefined) continue;
    const json = key === 'body' ? bodyJson : typeof value === 'number' ? numberJson(value) : (JSON.stringify(value) as string | undefined);
    if (json === undefined) continue;
    out += first ? quoted(key) : `,${quoted(key)}`;
    out += ':';
    out += json;
    first = false;
  }
  return `${out}},"source":${quoted(event.source)},"t":${numberJson(event.t)},"type":${quoted(event.type)}}`;
}

/** A number as JSON.stringify writes it (non-finite: null). */
function numberJson(n: number): string {
  return Number.isFinite(n) ? `${n}` : 'null';
}

function verifiedLineAround(event: SimEvent, bodyJson: string): string {
  const line = lineAround(event, bodyJson);
  const expected = verifiedSortedLine(event);
  if (line !== expected)
    throw new Error(
      `EventLog: ${event.source}/${event.type} at t=${event.t} ms was recorded with a bodyJson that is not its body's JSON: ${line} vs ${expected}`,
    );
  return line;
}

const quotedStrings = new Map<string, string>();

/**
 * A string as JSON.stringify quotes it. Data keys, sources and types are a small vocabulary (a fleet's
 * device ids at most), each quoted once; past 10,000 the rest are quoted every time.
 */
function quoted(text: string): string {
  let json = quotedStrings.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (quotedStrings.size < 10_000) quotedStrings.set(text, json);
  }
  return json;
}

function compareEntries(a: { event: SimEvent; line: string }, b: { event: SimEvent; line: string }): number {
  if (a.event.t !== b.event.t) return a.event.t - b.event.t;
  if (a.event.source !== b.event.source) return a.event.source < b.event.source ? -1 : 1;
  return a.line < b.line ? -1 : a.line > b.line ? 1 : 0;
}

/** Serializes events as canonical JSON Lines — the text the digest is computed over. */
export function toJsonLines(events: readonly SimEvent[]): string {
  return events.map((e) => `${canonicalJson({ data: e.data, source: e.source, t: e.t, type: e.type })}\n`).join('');
}
