import { ENVELOPE_VERSION, type Envelope } from './envelope.ts';

/**
 * What the run's own devices wrote on each topic, kept until the station receives it. When the bytes
 * the twin took off its socket are exactly the text a device wrote, the envelope that text was written
 * from is what `JSON.parse` would give back, so the twin takes it instead of parsing again: parsing was
 * the largest single cost of the twin's side (about 5 % of a ward's simulation thread), and the broker
 * and the socket are still in the path — the text compared is what arrived, byte for byte.
 *
 * Only envelopes that survive the round trip exactly are kept (`jsonRoundTrips`): plain objects and
 * arrays, finite numbers other than -0, no undefined values. Anything else (a body that does not, a
 * text that differs, a topic nobody wrote, a copy sent again) is parsed as before. Hit or miss, the
 * twin gets the same value, so what it concludes — and the digest — cannot depend on which it was (a
 * fast-mode window's length, the clients' placement, a clear()).
 *
 * The envelope taken is the sender's own object, shared with the event log (the telemetry event's
 * `data.body`) and the shadow's `reported` values: none of them may change it. Under vitest every
 * envelope kept is frozen, and every hit is compared with what JSON.parse gives, so a test run catches
 * a writer or a reader that breaks either rule.
 */
export class SentEnvelopes {
  readonly #byTopic = new Map<string, SentTopic>();
  /** Topics with entries since the last clear(). */
  readonly #used: SentTopic[] = [];

  /** The topic's kept envelopes, for one sender to note what it writes there (SentTopic.note). */
  topic(topic: string): SentTopic {
    let pending = this.#byTopic.get(topic);
    if (pending === undefined) this.#byTopic.set(topic, (pending = new SentTopic(this.#used)));
    return pending;
  }

  /** SentTopic.note on `topic`. */
  note(
    topic: string,
    text: string,
    device: string,
    kind: string,
    seq: number,
    t: number,
    patient: string | undefined,
    body: unknown,
  ): boolean {
    return this.topic(topic).note(text, device, kind, seq, t, patient, body);
  }

  /**
   * The envelope a device wrote as exactly `text` on `topic`, if it is still kept; undefined otherwise
   * (parse the text). Messages on a topic arrive in the order they were written, so a hit is at the
   * head; kept entries before it were lost on the way, and are let go.
   */
  take(topic: string, text: string): Envelope | undefined {
    const pending = this.#byTopic.get(topic);
    if (pending === undefined) return undefined;
    const envelope = pending.take(text);
    if (VERIFY && envelope !== undefined) verifyRoundTrip(text, envelope);
    return envelope;
  }

  /**
   * Lets go of everything kept. The run calls it when it seals a window: the transport has settled,
   * so what the station has not received by then was lost or comes later (and is parsed).
   */
  clear(): void {
    for (const pending of this.#used) {
      pending.clear();
      pending.listed = false;
    }
    this.#used.length = 0;
  }

  /** Entries kept, over all topics (tests). */
  get size(): number {
    let n = 0;
    for (const pending of this.#byTopic.values()) n += pending.size();
    return n;
  }
}

/** At most this many entries kept per topic between clears: a station that hears nothing does not grow them. */
const MAX_PER_TOPIC = 4096;
/** How far past the head a take looks: messages lost on the way leave their entries before the one that arrived. */
const SCAN = 16;

/** One topic's kept texts and envelopes, oldest first, in reused arrays (a window's worth, every window). */
export class SentTopic {
  readonly #texts: (string | undefined)[] = [];
  readonly #envelopes: (Envelope | undefined)[] = [];
  readonly #used: SentTopic[];
  #head = 0;
  #tail = 0;
  /** In SentEnvelopes' list of topics to clear. */
  listed = false;

  constructor(used: SentTopic[]) {
    this.#used = used;
  }

  /**
   * A device wrote `text`, the envelope of (device, kind, seq, t, patient, body), on this topic. Kept
   * only if it survives the round trip (see SentEnvelopes); returns whether it was.
   */
  note(text: string, device: string, kind: string, seq: number, t: number, patient: string | undefined, body: unknown): boolean {
    if (!Number.isSafeInteger(seq) || seq <= 0 || !Number.isSafeInteger(t) || patient === '' || !jsonRoundTrips(body)) return false;
    // Keys in the order EnvelopeWriter writes them, so the object is the one JSON.parse builds.
    const envelope: Envelope =
      patient === undefined
        ? { v: ENVELOPE_VERSION, device, kind, seq, t, body }
        : { v: ENVELOPE_VERSION, device, kind, seq, t, patient, body };
    if (VERIFY) deepFreeze(envelope);
    if (!this.listed) {
      this.listed = true;
      this.#used.push(this);
    }
    this.#push(text, envelope);
    return true;
  }

  size(): number {
    return this.#tail - this.#head;
  }

  #push(text: string, envelope: Envelope): void {
    if (this.#tail - this.#head >= MAX_PER_TOPIC) this.#drop(this.#head + 1);
    this.#texts[this.#tail] = text;
    this.#envelopes[this.#tail] = envelope;
    this.#tail++;
  }

  take(text: string): Envelope | undefined {
    const end = Math.min(this.#tail, this.#head + SCAN);
    for (let i = this.#head; i < end; i++) {
      if (this.#texts[i] !== text) continue;
      const envelope = this.#envelopes[i];
      this.#drop(i + 1);
      return envelope;
    }
    return undefined;
  }

  clear(): void {
    this.#drop(this.#tail);
  }

  /** Lets go of the entries before `upTo`; back to the arrays' start once none are left. */
  #drop(upTo: number): void {
    for (let i = this.#head; i < upTo; i++) {
      this.#texts[i] = undefined;
      this.#envelopes[i] = undefined;
    }
    this.#head = upTo;
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
  }
}

/**
 * True when `JSON.parse(JSON.stringify(value))` gives back a value no reader can tell from `value`:
 * strings, booleans, null, finite numbers other than -0, and plain objects and arrays of them, with no
 * undefined property (JSON leaves it out, Object.assign would copy it) and no hole. Properties are the
 * own enumerable ones, as JSON.stringify reads them (the bodies devices build are object literals). It
 * runs for every message a device sends, so it walks the value once and allocates nothing.
 */
export function jsonRoundTrips(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return value === 0 ? 1 / value > 0 : Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !jsonRoundTrips(value[i])) return false;
        }
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const record = value as Record<string, unknown>;
      // No own-key check: an inherited enumerable key (a polluted Object.prototype) is inherited by the
      // parsed object too, and the walk only reads one more value.
      for (const key in record) {
        const item = record[key];
        if (item === undefined || !jsonRoundTrips(item)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Under vitest, kept envelopes are frozen and every hit is checked against JSON.parse. */
const VERIFY = typeof process !== 'undefined' && process.env.VITEST !== undefined;

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

function verifyRoundTrip(text: string, envelope: Envelope): void {
  const parsed = JSON.stringify(orderedEntries(JSON.parse(text)));
  const kept = JSON.stringify(orderedEntries(envelope));
  if (parsed !== kept)
    throw new Error(
      `SentEnvelopes: the envelope kept for ${envelope.device} seq ${envelope.seq} is not what its text parses to: ${kept} vs ${parsed}`,
    );
}

/** Every object as its [key, value] pairs in their order, so two values compare with key order and types. */
function orderedEntries(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : value;
  if (typeof value !== 'object' || value === null) return value === undefined ? '(undefined)' : value;
  if (Array.isArray(value)) return value.map(orderedEntries);
  return Object.entries(value).map(([k, v]) => [k, orderedEntries(v)]);
}
