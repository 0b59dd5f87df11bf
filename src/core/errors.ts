/**
 * The one table of exit codes every command uses (docs/ci.md#exit-codes). A CI job branches on them:
 * 1 means the system under test misbehaved, 2 that the job is written wrongly, 3 that the machine or
 * network could not run it — rerun, do not file a bug against the devices.
 */
export const EXIT = {
  /** Every expectation of every scenario (and seed) was met. */
  passed: 0,
  /** At least one expectation failed, or the transport lost messages. */
  failed: 1,
  /** Bad input: a scenario file, a flag, a name, a URL. */
  badInput: 2,
  /** The environment: broker unreachable, port busy, out of descriptors or memory, a thread died. */
  environment: 3,
  /** Stopped by SIGINT (128 + 2, the shell's convention); the partial report is marked interrupted. */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15). */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Errors carry a stable `code` field (as aedes' `errorCode` and MQTT.js' `ErrorWithReasonCode` do) so
 * callers branch on the code, not on the message text. `exitCode` is what the CLI exits with when the
 * error reaches the top (EXIT): 2 for bad input, 1 for a failed run, 3 for an environment problem.
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
    super(code, message, { ...options, exitCode: EXIT.badInput });
    this.name = 'InputError';
  }
}

/** The machine or network cannot run what was asked: a broker unreachable, a port busy, no descriptors. */
export class EnvironmentError extends MedtwinError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: EXIT.environment });
    this.name = 'EnvironmentError';
  }
}

/** System error codes that mean the environment, not the input or the devices, failed. */
const ENVIRONMENT_ERRNOS = new Set([
  'EMFILE',
  'ENFILE',
  'ENOMEM',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
]);

/**
 * The exit code for an error that reached the top of a command: a MedtwinError's own, 3 for a raw
 * system error of the environment (a socket's EMFILE, ECONNREFUSED...; also when wrapped as a cause),
 * else 1.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof MedtwinError) return error.exitCode;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && ENVIRONMENT_ERRNOS.has(code)) return EXIT.environment;
    if (e instanceof AggregateError && e.errors.some((inner) => exitCodeOf(inner) === EXIT.environment)) return EXIT.environment;
  }
  return EXIT.failed;
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
