import { Rng } from '../../../core/rng.ts';

/**
 * Pseudonymous patient ids for everything that leaves the bedside (telemetry, exports). A pseudonym
 * is a random code, not a function of the patient id — HIPAA's de-identification rule (45 CFR
 * 164.514(c)) asks that a re-identification code not be derived from information about the person,
 * and ISO 25237 calls this a pseudonymisation table kept by a trusted party. The codes come from the
 * run's seed (the same run, the same codes), and only the holder of this registry can map one back.
 */
export class PseudonymRegistry {
  readonly #rng: Rng;
  readonly #byPatient = new Map<string, string>();
  readonly #byPseudonym = new Map<string, string>();

  constructor(seed: string | number) {
    this.#rng = new Rng(seed).fork('security/pseudonym');
  }

  /** `PSN-` and 16 hex digits (64 random bits), stable for the run. */
  pseudonymOf(patientId: string): string {
    let code = this.#byPatient.get(patientId);
    if (code !== undefined) return code;
    const stream = this.#rng.fork(patientId);
    do {
      code = 'PSN-';
      for (let i = 0; i < 8; i++) code += stream.int(0, 255).toString(16).padStart(2, '0');
    } while (this.#byPseudonym.has(code));
    this.#byPatient.set(patientId, code);
    this.#byPseudonym.set(code, patientId);
    return code;
  }

  /** The patient behind a pseudonym: only for the trusted party that holds the registry. */
  reidentify(pseudonym: string): string | undefined {
    return this.#byPseudonym.get(pseudonym);
  }
}

/**
 * The direct identifiers (names, MRNs, patient ids) found anywhere in `payload` — what a test or the
 * audit command checks telemetry against. Empty means the message carries none of them.
 */
export function findIdentifiers(payload: string, identifiers: Iterable<string>): string[] {
  const found: string[] = [];
  for (const id of identifiers) if (id.length >= 3 && payload.includes(id)) found.push(id);
  return found;
}
