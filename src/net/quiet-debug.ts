import { createRequire } from 'node:module';

/**
 * Loggers of the `debug` package that are off cost nothing. mqtt-packet calls `debug(...)` several
 * times for every packet it writes or parses, and `debug` gathers each call's arguments into an array
 * before it looks whether its namespace is on: about 1.4 KiB of garbage per message, a tenth of all a
 * run allocates (docs/benchmarks.md#what-limits-it, point 14).
 *
 * Imported first by every module that loads mqtt.js, mqtt-packet or aedes (test/quiet-debug.test.ts
 * checks), so it runs before they create their loggers: the `debug` they load then hands out, for a
 * namespace that is off when the logger is created, a function that does nothing. `DEBUG=mqtt-packet:*`
 * (or any namespace) set when the process starts logs exactly as before; `debug.enable()` called later
 * does not reach loggers created while their namespace was off.
 */

interface Logger {
  (...args: unknown[]): void;
  enabled: boolean;
  namespace: string;
  extend(sub: string, delimiter?: string): Logger;
}

type CreateDebug = (namespace: string) => Logger;

const QUIET = Symbol.for('medtwin.quiet-debug');
// Shared by every copy of this module in the process (a test runner may load it more than once).
const silenced: Set<string> = ((globalThis as { [QUIET]?: Set<string> })[QUIET] ??= new Set<string>());

/** Namespaces whose loggers were created while off, and so do nothing (for tests and diagnostics). */
export function silencedNamespaces(): ReadonlySet<string> {
  return silenced;
}

function offLogger(namespace: string, quiet: CreateDebug): Logger {
  const off = (() => {}) as unknown as Logger;
  off.enabled = false;
  off.namespace = namespace;
  off.extend = (sub, delimiter = ':') => quiet(`${namespace}${delimiter}${sub}`);
  return off;
}

function install(debugPath: string): void {
  const require = createRequire(import.meta.url);
  const createDebug = require(debugPath) as CreateDebug & { [QUIET]?: true };
  const cached = require.cache[debugPath];
  if (cached === undefined || createDebug[QUIET]) return;
  // A proxy, so `enable`, `names`, `formatters` and the rest stay the package's own.
  const quiet: CreateDebug = new Proxy(createDebug, {
    apply(target, thisArg, args: [string]) {
      const logger = Reflect.apply(target, thisArg, args) as Logger;
      if (logger.enabled) return logger;
      silenced.add(args[0]);
      return offLogger(args[0], quiet);
    },
    get(target, key, receiver) {
      return key === QUIET ? true : Reflect.get(target, key, receiver);
    },
  });
  cached.exports = quiet;
}

// The `debug` each of them resolves (one copy today; a nested copy would be patched too).
const here = createRequire(import.meta.url);
const paths = new Set<string>();
for (const pkg of ['mqtt-packet', 'mqtt', 'aedes']) {
  try {
    paths.add(createRequire(here.resolve(pkg)).resolve('debug'));
  } catch {
    // Not installed, or it does not use `debug`: nothing to quiet.
  }
}
for (const path of paths) install(path);
