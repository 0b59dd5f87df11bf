/**
 * Errors carry a stable `code` field (as aedes' `errorCode` and MQTT.js' `ErrorWithReasonCode` do) so
 * callers branch on the code, not on the message text. `exitCode` is what the CLI exits with when the
 * error reaches the top: 2 for bad input, 1 for a failed run, 3 for an environment problem.
 */
export class MedtwinError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MedtwinError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad input from a user: a scenario file, a flag, a duration. The CLI exits 2. */
export class InputError extends MedtwinError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: 2 });
    this.name = 'InputError';
  }
}

/** Formats a received value for an error message: strings quoted, the rest as JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return String(value);
  }
}

/** The valid name closest to `input` (Levenshtein distance), for "did you mean" hints. */
export function nearestName(input: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const d = editDistance(input.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  // A suggestion further than half the word away is noise, not help.
  return best !== undefined && bestDistance <= Math.max(2, Math.ceil(input.length / 2)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
