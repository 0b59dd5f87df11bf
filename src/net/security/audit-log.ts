import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.ts';

/** One record of the audit log: who did what, when (run time), and the chain that binds it. */
export interface AuditRecord {
  seq: number;
  t: number;
  /** connect, connect.refused, lockout, subscribe, subscribe.denied, publish.denied, command, ... */
  action: string;
  /** The client id or identity that acted. */
  actor: string;
  /** What it acted on: a topic, a filter, a device. */
  target?: string;
  /** The outcome's reason, for denials. */
  reason?: string;
  /** SHA-256 (hex) of the previous record's line; the genesis value for the first. */
  prev: string;
  /** SHA-256 (hex) of this record without `hash`, in canonical JSON. */
  hash: string;
}

export type AuditEntry = Omit<AuditRecord, 'seq' | 'prev' | 'hash'>;

/** The chain's anchor: 64 zeros, as in a hash chain with no predecessor. */
export const GENESIS = '0'.repeat(64);

/**
 * A tamper-evident audit log (HHS 405(d) HICP practice 8 and NIST SP 800-82r3: log who
 * connected, read and commanded what, and what was refused; IEC 62443-4-2 CR 2.8 auditable events):
 * JSON Lines, each record carrying the SHA-256 of the one before it, like a Merkle chain of one branch.
 * Editing, removing or reordering a line breaks every hash after it; truncating the end is caught
 * by comparing the final hash (`head`) with the one the run's report states.
 */
export class AuditLog {
  readonly #lines: string[] = [];
  #head = GENESIS;

  append(entry: AuditEntry): AuditRecord {
    const body = { ...stripUndefined(entry), seq: this.#lines.length + 1, prev: this.#head };
    const hash = digest(body);
    const record = { ...body, hash } as AuditRecord;
    this.#lines.push(canonicalJson(record));
    this.#head = hash;
    return record;
  }

  /** The hash of the last record: what a report states so truncation is detectable. */
  get head(): string {
    return this.#head;
  }

  get length(): number {
    return this.#lines.length;
  }

  /** The log as JSON Lines text. */
  toText(): string {
    return this.#lines.length === 0 ? '' : `${this.#lines.join('\n')}\n`;
  }
}

export type AuditVerdict = { ok: true; records: number; head: string } | { ok: false; line: number; reason: string };

/**
 * Checks a log's text: every line parses, numbers run from 1, each `prev` is the hash of the line
 * before, each `hash` is the record's own; with `expectedHead`, the last hash is the one stated
 * elsewhere (catching a truncated tail). Reports the first line (1-based) that fails.
 */
export function verifyAuditLog(text: string, expectedHead?: string): AuditVerdict {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let prev = GENESIS;
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(lines[i]!) as Record<string, unknown>;
    } catch {
      return { ok: false, line, reason: 'not a JSON record' };
    }
    if (record.seq !== line)
      return { ok: false, line, reason: `sequence ${String(record.seq)} where ${line} was due (a line was removed or moved)` };
    if (record.prev !== prev)
      return { ok: false, line, reason: 'prev is not the hash of the line before (a line before it was changed, removed or moved)' };
    const { hash, ...body } = record;
    if (hash !== digest(body)) return { ok: false, line, reason: 'the record does not match its own hash (this line was edited)' };
    prev = hash as string;
  }
  if (expectedHead !== undefined && prev !== expectedHead) {
    return { ok: false, line: lines.length, reason: 'the last hash is not the one the report states (records were cut from the end)' };
  }
  return { ok: true, records: lines.length, head: prev };
}

/** The hash a record's body (everything but `hash`) must carry. */
export function digest(body: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
