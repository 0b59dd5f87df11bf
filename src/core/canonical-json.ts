/**
 * JSON with object keys in sorted order at every depth, so equal values always serialize to equal
 * text — the basis of the event-log digest. Non-finite numbers become null (as JSON.stringify does);
 * undefined properties are dropped.
 *
 * It runs for every event of a run. A value whose objects already list their keys in sorted order
 * (the hot producers build them so) is written by `JSON.stringify`, which gives the same text in one
 * native pass and one string; anything else takes the hand-rolled writer below, which sorts. A
 * line written by concatenation is dozens of intermediate strings: at 10,000 devices that was the
 * largest single source of garbage in a run.
 */
export function canonicalJson(value: unknown): string {
  return value !== undefined && isStringifyCanonical(value) ? JSON.stringify(value) : writeCanonical(value);
}

/**
 * True when `JSON.stringify(value)` is already canonical: plain objects and arrays only (no toJSON,
 * no class instances), keys with defined values in ascending order, and no value JSON.stringify
 * treats differently (functions, symbols and bigints: dropped or thrown there, null here).
 */
export function isStringifyCanonical(value: unknown): boolean {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return true;
    case 'undefined':
      return true; // reached only inside arrays and objects, where both writers agree
    case 'object': {
      if (value === null) return true;
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!isStringifyCanonical(value[i])) return false;
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      let previous: string | undefined;
      for (const key in record) {
        const item = record[key];
        if (item === undefined) continue;
        if (!Object.hasOwn(record, key)) return false;
        if (previous !== undefined && previous >= key) return false;
        if (!isStringifyCanonical(item)) return false;
        previous = key;
      }
      return true;
    }
    default:
      return false;
  }
}

function writeCanonical(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? arrayJson(value) : objectJson(value as Record<string, unknown>);
    default:
      return 'null';
  }
}

function arrayJson(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += canonicalJson(items[i]);
  }
  return `${out}]`;
}

// Keys that JSON.stringify would write unchanged between quotes (the usual case), so quoting is free.
const PLAIN_KEY = /^[\w.:@/-]*$/;
const quotedKeys = new Map<string, string>();

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key);
    // Event payloads reuse a small vocabulary of keys; ids used as keys must not grow this forever.
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function objectJson(record: Record<string, unknown>): string {
  const keys: string[] = [];
  let sorted = true;
  for (const key in record) {
    if (!Object.hasOwn(record, key) || record[key] === undefined) continue;
    if (sorted && keys.length > 0 && keys[keys.length - 1]! > key) sorted = false;
    keys.push(key);
  }
  if (!sorted) sortKeys(keys);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) out += ',';
    out += quoteKey(key);
    out += ':';
    out += canonicalJson(record[key]);
  }
  return `${out}}`;
}

/**
 * Insertion sort, in place: event payloads have a handful of keys, and Array#sort allocates a work
 * array on every call — at thousands of events a second that garbage is a measurable part of a run.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 32) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}
