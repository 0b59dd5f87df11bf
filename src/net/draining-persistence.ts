/**
 * A persistence that knows which of its calls are still running, so a stopping broker can let them
 * finish before the store is let go.
 *
 * Why: aedes 1.2 answers a QoS 1 PUBLISH with its PUBACK *before* it stores the message (lib/handlers/
 * publish.js writes the PUBACK, then runs broker.publish: storeRetained, then the offline queue's
 * outgoingEnqueueCombi — upstream moscajs/aedes#249, and the unmerged #247 that would have reordered
 * it). A device that got its PUBACK may therefore still have its message on the way to Redis when the
 * broker stops, and aedes-persistence-redis' destroy() drops the connection with commands in flight:
 * the packet was written but never pushed onto the offline client's queue, and a twin returning after
 * the restart never got the alarm the broker had acknowledged (src/net/restartable-broker.test.ts).
 *
 * Every method call whose result is a promise is counted until it settles; `drain()` waits until none
 * is left across a turn of the event loop, since aedes chains the next call (enqueue after
 * storeRetained) from the previous one's callback.
 */
export interface DrainingPersistence<T extends object> {
  /** The persistence to hand to aedes: the same object's behaviour, with its calls counted. */
  persistence: T;
  /** Calls still running now. */
  readonly pending: number;
  /**
   * Resolves once no call has been running for a turn of the event loop, or after `timeoutMs` (a
   * store that stopped answering must not hold a stop forever); true if it drained.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

export function drainingPersistence<T extends object>(target: T): DrainingPersistence<T> {
  let pending = 0;
  let idle: (() => void)[] = [];
  const settled = () => {
    pending--;
    if (pending === 0) for (const wake of idle.splice(0)) wake();
  };
  const persistence = new Proxy(target, {
    // aedes-persistence-redis keeps its state in #private fields: methods and getters must run with the
    // real object as `this`, never the proxy.
    get(object, key) {
      const value = Reflect.get(object, key, object) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      const call = (args: unknown[]) => {
        const result = method.apply(object, args);
        if (isPromise(result)) {
          pending++;
          result.then(settled, settled);
        }
        return result;
      };
      // aedes refuses a persistence whose setup() is not an `async function`: keep the kind.
      return method.constructor.name === 'AsyncFunction' ? async (...args: unknown[]) => call(args) : (...args: unknown[]) => call(args);
    },
  });

  const drain = async (timeoutMs: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const quiet = (async () => {
      for (;;) {
        if (pending > 0) await new Promise<void>((resolve) => idle.push(resolve));
        // The next call of a chain starts from the previous one's callback (a microtask, or aedes'
        // own setImmediate): only a whole turn with nothing running means the work is done.
        await new Promise((resolve) => setImmediate(resolve));
        if (pending === 0) return true as const;
      }
    })();
    try {
      return await Promise.race([quiet, expired]);
    } finally {
      clearTimeout(timer);
      idle = [];
    }
  };

  return {
    persistence,
    get pending() {
      return pending;
    },
    drain,
  };
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
