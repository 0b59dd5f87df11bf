/**
 * JSON with object keys in sorted order at every depth, so equal values always serialize to equal
 * text — the basis of the event-log digest. Non-finite numbers become null (as JSON.stringify does);
 * undefined properties are dropped. Hand-rolled because it runs for every event of a run: it is a few
 * times faster than filtering and sorting `Object.keys` around `JSON.stringify`.
 */
export function canonicalJson(value: unknown): string {
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

function objectJson(record: Record<string, unknown>): string {
  const keys: string[] = [];
  for (const key in record) {
    if (Object.hasOwn(record, key) && record[key] !== undefined) keys.push(key);
  }
  keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `${out}}`;
}
