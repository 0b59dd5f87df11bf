import type { PseudonymRegistry } from './pseudonyms.ts';

/** Uses of patient data beyond care that need the patient's consent. */
export const PURPOSES = ['research', 'quality-improvement'] as const;
export type Purpose = (typeof PURPOSES)[number];

interface Grant {
  purpose: Purpose;
  from: number;
  until?: number;
}

/**
 * Who agreed to what, and from when until when (run time): a consent can be given mid-run and
 * withdrawn later, and data from outside its window is never released (HHS 405(d) HICP practice 4 on
 * data protection; GDPR art. 7(3) withdrawal). Default: no consent, so nothing is exported.
 */
export class ConsentRegistry {
  readonly #grants = new Map<string, Grant[]>();

  /** Consents given at the start of the run: patient id → purposes. */
  static of(initial: Readonly<Record<string, readonly Purpose[]>>): ConsentRegistry {
    const registry = new ConsentRegistry();
    for (const [patient, purposes] of Object.entries(initial)) for (const p of purposes) registry.grant(patient, p, 0);
    return registry;
  }

  grant(patientId: string, purpose: Purpose, at: number): void {
    const grants = this.#grants.get(patientId) ?? [];
    grants.push({ purpose, from: at });
    this.#grants.set(patientId, grants);
  }

  withdraw(patientId: string, purpose: Purpose, at: number): void {
    for (const g of this.#grants.get(patientId) ?? []) if (g.purpose === purpose && g.until === undefined) g.until = at;
  }

  /** Whether data about `patientId` recorded at `t` may be used for `purpose`. */
  allows(patientId: string, purpose: Purpose, t: number): boolean {
    return (this.#grants.get(patientId) ?? []).some((g) => g.purpose === purpose && g.from <= t && (g.until === undefined || t < g.until));
  }
}

export interface ExportRecord {
  patientId: string;
  t: number;
  /** What measured it (a device kind, never a device id: a researcher needs the shape of `values`, not the bed). */
  kind?: string;
  values: Readonly<Record<string, unknown>>;
}

/** A record as it leaves: the pseudonym in place of the patient id. */
export interface ExportedRecord {
  patient: string;
  t: number;
  kind?: string;
  values: Readonly<Record<string, unknown>>;
}

/**
 * The research-export consumer's gate: a record leaves only if its patient consented to research at
 * the record's time, and then only under the patient's pseudonym. Counts what it withheld, so a
 * report can say so.
 */
export class ResearchExport {
  /** The released records, when kept (`keep`); a long run's export is counted rather than held. */
  readonly records: ExportedRecord[] = [];
  released = 0;
  withheld = 0;
  /** Records released per pseudonym. */
  readonly releasedBy = new Map<string, number>();
  readonly #consent: ConsentRegistry;
  readonly #pseudonyms: PseudonymRegistry;
  readonly #keep: boolean;
  readonly #listeners: ((record: ExportedRecord) => void)[] = [];

  constructor(consent: ConsentRegistry, pseudonyms: PseudonymRegistry, options: { keep?: boolean } = {}) {
    this.#consent = consent;
    this.#pseudonyms = pseudonyms;
    this.#keep = options.keep ?? true;
  }

  /** Calls `listener` with every record released from now on (a file writer, say). */
  onRelease(listener: (record: ExportedRecord) => void): void {
    this.#listeners.push(listener);
  }

  offer(record: ExportRecord): boolean {
    if (!this.#consent.allows(record.patientId, 'research', record.t)) {
      this.withheld++;
      return false;
    }
    const patient = this.#pseudonyms.pseudonymOf(record.patientId);
    this.released++;
    this.releasedBy.set(patient, (this.releasedBy.get(patient) ?? 0) + 1);
    const released: ExportedRecord = {
      patient,
      t: record.t,
      ...(record.kind === undefined ? {} : { kind: record.kind }),
      values: record.values,
    };
    if (this.#keep) this.records.push(released);
    for (const listener of this.#listeners) listener(released);
    return true;
  }
}
