import { z } from 'zod';

/** Version of the message envelope; bumped on any incompatible change (docs/topics.md). */
export const ENVELOPE_VERSION = 1;

/**
 * Every message medtwin puts on the wire is one of these, JSON-encoded. `seq` counts per device and
 * per channel from 1, so a receiver can tell lost, duplicated and reordered messages apart; `t` is the
 * simulation time of the event, so the event log orders by it, never by arrival.
 */
export const envelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION),
  device: z.string().min(1),
  kind: z.string().min(1),
  seq: z.number().int().positive(),
  // May be negative: a device whose clock runs behind stamps messages before the run began.
  t: z.number().int(),
  /**
   * The patient the device is attached to, by pseudonym (`PSN-` and 16 hex digits), when the run's
   * `pseudonyms` control is on; never a name, MRN or patient id (docs/security.md#data-governance).
   */
  patient: z.string().min(1).optional(),
  body: z.unknown(),
  /** Sent late from the device's store-and-forward buffer (generated at `t` while it was offline). */
  backfill: z.literal(true).optional(),
});

export type Envelope<TBody = unknown> = Omit<z.infer<typeof envelopeSchema>, 'body'> & { body: TBody };

/**
 * Encodes an envelope as JSON text, keys in a fixed order, so identical messages are identical bytes.
 * Text, not a Buffer: mqtt.js writes it as UTF-8 either way, and a string crosses to a link thread
 * (link-pool.ts) without copying the 8 KiB slab a small Buffer shares with others.
 */
export function encodeEnvelope<TBody>(envelope: Envelope<TBody>): string {
  if (envelope.patient !== undefined) {
    return JSON.stringify({
      v: envelope.v,
      device: envelope.device,
      kind: envelope.kind,
      seq: envelope.seq,
      t: envelope.t,
      patient: envelope.patient,
      body: envelope.body,
      ...(envelope.backfill ? { backfill: true } : {}),
    });
  }
  return JSON.stringify({
    v: envelope.v,
    device: envelope.device,
    kind: envelope.kind,
    seq: envelope.seq,
    t: envelope.t,
    body: envelope.body,
    ...(envelope.backfill ? { backfill: true } : {}),
  });
}

/**
 * Writes one sender's envelopes: the same text as encodeEnvelope, byte for byte, with the sender's
 * `v`, `device` and `kind` quoted once rather than per message, and no envelope object built per
 * message (a fleet writes thousands a second; the device agents use it).
 */
export class EnvelopeWriter {
  readonly #head: string;

  constructor(device: string, kind: string) {
    this.#head = `{"v":${ENVELOPE_VERSION},"device":${JSON.stringify(device)},"kind":${JSON.stringify(kind)},"seq":`;
  }

  write(seq: number, t: number, patient: string | undefined, body: unknown): string {
    // As JSON.stringify writes a property: a body it cannot write (undefined) leaves the key out.
    const bodyJson = JSON.stringify(body) as string | undefined;
    const head = `${this.#head}${numberJson(seq)},"t":${numberJson(t)}`;
    const withPatient = patient === undefined ? head : `${head},"patient":${JSON.stringify(patient)}`;
    return bodyJson === undefined ? `${withPatient}}` : `${withPatient},"body":${bodyJson}}`;
  }

  /**
   * The body's JSON inside a text this writer wrote; undefined when it wrote no body. A slice of the
   * text, not a copy: the key cannot occur earlier, where every string is JSON-quoted.
   */
  bodyOf(text: string): string | undefined {
    const at = text.indexOf(BODY_KEY, this.#head.length);
    return at < 0 ? undefined : text.slice(at + BODY_KEY.length, -1);
  }
}

const BODY_KEY = ',"body":';

/** A number as JSON.stringify writes it (non-finite: null). */
function numberJson(n: number): string {
  return Number.isFinite(n) ? `${n}` : 'null';
}

export type DecodeResult = { ok: true; envelope: Envelope } | { ok: false; error: string };

/** Decodes a payload; never throws — hostile or broken payloads come back as `{ ok: false }`. */
export function decodeEnvelope(payload: Buffer | Uint8Array | string): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(payloadText(payload));
  } catch {
    return { ok: false, error: 'payload is not JSON' };
  }
  // Every message of a run comes through here: check the well-formed case by hand, and let the
  // schema explain what is wrong with the rest.
  if (isEnvelope(json)) return { ok: true, envelope: json };
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `envelope ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, envelope: parsed.data as Envelope };
}

/** A payload as text: UTF-8, as decodeEnvelope reads it. */
export function payloadText(payload: Buffer | Uint8Array | string): string {
  return typeof payload === 'string' ? payload : toBuffer(payload).toString('utf8');
}

function toBuffer(payload: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
}

/** The same test as `envelopeSchema`, without building a copy. */
function isEnvelope(json: unknown): json is Envelope {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const e = json as Record<string, unknown>;
  return (
    e.v === ENVELOPE_VERSION &&
    typeof e.device === 'string' &&
    e.device.length > 0 &&
    typeof e.kind === 'string' &&
    e.kind.length > 0 &&
    Number.isSafeInteger(e.seq) &&
    (e.seq as number) > 0 &&
    Number.isSafeInteger(e.t) &&
    (e.patient === undefined || (typeof e.patient === 'string' && e.patient.length > 0)) &&
    'body' in e
  );
}
