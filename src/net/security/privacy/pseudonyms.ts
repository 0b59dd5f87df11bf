import { createHmac } from 'node:crypto';
import { Rng } from '../../../core/rng.ts';
import { bytes } from '../identities.ts';

/** `PSN-` and 16 hex digits: what a pseudonym looks like on the wire and in exports. */
export const PSEUDONYM_PATTERN = /^PSN-[0-9a-f]{16}$/;

/**
 * Pseudonymous patient ids for everything that leaves the bedside (telemetry, exports): a keyed
 * pseudonym, HMAC-SHA256 (RFC 2104) of the patient id under a 256-bit key of the run, cut to 64 bits.
 * Without the key a pseudonym can be neither computed from a patient id nor traced back to one, and
 * two runs with different keys give unlinkable codes — keyed hashing, as ENISA's "Pseudonymisation
 * techniques and best practices" (2019, §3.3) describes it and ISO 25237 allows, the key being the
 * secret that HIPAA's rule on re-identification codes (45 CFR 164.514(c)) asks to be kept from
 * whoever receives the data. The key
 * comes from the run's seed (named stream `security/pseudonym`), so the same run gives the same
 * codes; the seed is then the secret — a real deployment keeps such a key in a vault, and a short
 * seed is guessable. Only the holder of this registry maps a code back.
 */
export class PseudonymRegistry {
  readonly #key: Buffer;
  readonly #byPatient = new Map<string, string>();
  readonly #byPseudonym = new Map<string, string>();

  constructor(seed: string | number) {
    this.#key = bytes(new Rng(seed).fork('security/pseudonym'), 32);
  }

  /** `PSN-` and 16 hex digits (64 bits of the keyed hash), stable for the run. */
  pseudonymOf(patientId: string): string {
    const known = this.#byPatient.get(patientId);
    if (known !== undefined) return known;
    const code = `PSN-${createHmac('sha256', this.#key).update(patientId).digest('hex').slice(0, 16)}`;
    const other = this.#byPseudonym.get(code);
    // 64 bits: two patients of one run sharing a code is about one chance in 10^11 for 10,000 patients; refuse rather than merge them.
    if (other !== undefined) throw new Error(`pseudonym collision between ${other} and ${patientId}: run with another seed`);
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
