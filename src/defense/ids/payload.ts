import { decodeEnvelope, type Envelope } from '../../net/envelope.ts';
import { MAX_PAYLOAD_TEXT, type PublishObservation } from './observation.ts';

const decoded = new WeakMap<PublishObservation, Envelope | undefined>();

/** The envelope a publish carried (docs/topics.md), or undefined for anything else. Parsed once per observation. */
export function envelopeOf(o: PublishObservation): Envelope | undefined {
  if (decoded.has(o)) return decoded.get(o);
  // A payload cut at MAX_PAYLOAD_TEXT bytes is not a whole envelope (and none of medtwin's is that long).
  const result = o.size > MAX_PAYLOAD_TEXT ? undefined : decodeEnvelope(o.payload);
  const envelope = result?.ok ? result.envelope : undefined;
  decoded.set(o, envelope);
  return envelope;
}

/** The command body of a publish to a command topic: `{ type, ... }`, or undefined when it is not one. */
export function commandOf(o: PublishObservation): (Record<string, unknown> & { type: string }) | undefined {
  const body = envelopeOf(o)?.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  return typeof b.type === 'string' ? (b as Record<string, unknown> & { type: string }) : undefined;
}

/** The `auth` block of a signed command (src/net/security/signed-command.ts), if it has a usable one. */
export function commandAuthOf(command: Record<string, unknown>): { issuer: string; nonce: string; ts: number } | undefined {
  const auth = command.auth;
  if (auth === null || typeof auth !== 'object') return undefined;
  const a = auth as Record<string, unknown>;
  if (typeof a.issuer !== 'string' || typeof a.nonce !== 'string' || typeof a.ts !== 'number') return undefined;
  return { issuer: a.issuer, nonce: a.nonce, ts: a.ts };
}
