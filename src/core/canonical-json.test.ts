import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { Rng } from './rng.ts';

/** The definition, written the obvious way: what canonicalJson must produce, fast path or not. */
function reference(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${Array.from(value, reference).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}

class Reading {
  constructor(
    readonly value: number,
    readonly unit: string,
  ) {}
}

const KEYS = ['a', 'b', 'seq', 'body', 'truth', 'hr', 'spo2', '10', '9', 'A', 'é', 'a"b', ''];
const SPECIALS: (() => unknown)[] = [
  () => undefined,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => -0,
  () => 1e21,
  () => new Date(0),
  () => new Map([['k', 1]]),
  () => new Reading(1, 'bpm'),
  () => () => 1,
  () => Symbol('s'),
  () => 10n,
  () => Object.assign(Object.create(null), { z: 1, y: 2 }),
  () => ({ toJSON: () => 'replaced', a: 1 }),
];

/** A random JSON-ish value: mostly plain data with sorted or shuffled keys, sometimes something odd. */
function randomValue(rng: Rng, depth: number): unknown {
  const roll = rng.next();
  if (roll < 0.08) return SPECIALS[Math.floor(rng.next() * SPECIALS.length)]!();
  if (depth > 3 || roll < 0.45) {
    const leaf = rng.next();
    if (leaf < 0.4) return Math.round(rng.next() * 1e4) / 100;
    if (leaf < 0.7) return `s${Math.floor(rng.next() * 100)}\n"`;
    if (leaf < 0.85) return rng.next() < 0.5;
    return null;
  }
  if (roll < 0.6) return Array.from({ length: Math.floor(rng.next() * 4) }, () => randomValue(rng, depth + 1));
  const keys = KEYS.filter(() => rng.next() < 0.4);
  if (rng.next() < 0.5) keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = randomValue(rng, depth + 1);
  return out;
}

/** JSON.stringify that survives bigints (for counting and for failure messages). */
function stringify(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

describe('canonicalJson', () => {
  it('writes the sorted-key text for any value, whether its keys came sorted or not', () => {
    const rng = new Rng('canonical-json');
    let sortedInput = 0;
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(rng, 0);
      if (stringify(value) === reference(value)) sortedInput++;
      expect(canonicalJson(value), stringify(value)).toBe(reference(value));
    }
    // Both paths were exercised: some values were already canonical as JSON.stringify writes them.
    expect(sortedInput).toBeGreaterThan(500);
    expect(sortedInput).toBeLessThan(4500);
  });

  it('does not let toJSON, class instances or null-prototype objects change the text', () => {
    expect(canonicalJson({ a: new Date(0) })).toBe('{"a":{}}');
    expect(canonicalJson({ a: new Reading(1, 'bpm') })).toBe('{"a":{"unit":"bpm","value":1}}');
    expect(canonicalJson({ toJSON: () => 'x', b: 1 })).toBe('{"b":1,"toJSON":null}');
    expect(canonicalJson(Object.assign(Object.create(null), { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
    expect(canonicalJson({ a: 1n, b: [Symbol('s')] })).toBe('{"a":null,"b":[null]}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('orders integer-like keys as strings, not as JavaScript enumerates them', () => {
    expect(canonicalJson({ 9: 'nine', 10: 'ten', a: 1 })).toBe('{"10":"ten","9":"nine","a":1}');
  });
});
