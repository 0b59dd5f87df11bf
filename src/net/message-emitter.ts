import mqemitter from 'mqemitter';

type Message = mqemitter.Message;
type Listener = (this: MessageEmitter, message: Message, done: () => void) => void;
type Callback = (error?: Error) => void;

export interface MessageEmitterOptions {
  /** Messages in delivery at once; later ones queue. */
  concurrency?: number;
  /** mqemitter's matching options; aedes uses the defaults (`/`, `+`, `#`, empty levels match). */
  matchEmptyLevels?: boolean;
  separator?: string;
  wildcardOne?: string;
  wildcardSome?: string;
}

/** aedes' default: how many messages it routes at once before later ones wait their turn. */
export const DEFAULT_DELIVERY_CONCURRENCY = 100;

/** Topics whose subscribers are remembered at once; past this the memory starts again. */
const MATCH_CACHE_TOPICS = 100_000;

/** The part of mqemitter's matcher (a Qlobber) that routing uses. */
interface Matcher {
  match(topic: string): unknown[];
  add(topic: string, value: unknown): unknown;
  remove(topic: string, value?: unknown): unknown;
  clear(): unknown;
}

/**
 * The message bus aedes routes every PUBLISH through (its `mq` option): mqemitter's topic matching,
 * with a queue that drains in a loop instead of by recursion.
 *
 * mqemitter caps the messages in delivery at `concurrency` (aedes: 100) and queues the rest. When one
 * finishes it starts the next from inside the finished one's callback (`released` → `_do` →
 * fastparallel → `released` …); a message nobody is subscribed to finishes synchronously, so a run of
 * them nests one stack frame group per message. A subscriber that reads slowly (the twin, subscribed
 * to a whole site, during a fleet's boot burst) holds all 100 slots until its socket drains; meanwhile
 * thousands of subscriber-less messages queue up — aedes' own `$SYS/…/new/subscribes`,
 * `…/new/unsubscribes` and `…/disconnect/clients` notices, one per client, and the fleet's offline
 * statuses once the twin has gone — and the drain overflows the stack (`RangeError: Maximum call
 * stack size exceeded`, mcollina/mqemitter#204, moscajs/aedes#193), taking the broker down.
 *
 * Here the inner mqemitter runs without a cap (so it never queues) and this class keeps the cap and
 * the queue: a message that finishes while the queue is being drained only counts itself done, and
 * the loop already running starts the next. The stack stays flat however long the queue; the order
 * of delivery and the back-pressure (a publisher's next packet is read only once its message is
 * routed) are mqemitter's.
 */
export class MessageEmitter {
  readonly concurrency: number;
  #inner: mqemitter.MQEmitter;
  /** Each listener as registered with the inner emitter: called with `this` set to this emitter. */
  #bound = new WeakMap<Listener, (message: Message, done: () => void) => void>();
  #queue: Array<{ message: Message; callback: Callback }> = [];
  #head = 0;
  #current = 0;
  #draining = false;
  #closed = false;

  constructor(options: MessageEmitterOptions = {}) {
    const { concurrency = DEFAULT_DELIVERY_CONCURRENCY, ...matching } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`MessageEmitter concurrency: expected a whole number of at least 1, received ${concurrency}`);
    }
    this.concurrency = concurrency;
    // Without a cap mqemitter never queues, so it never recurses; empty levels match ([MQTT-4.7.1-3]).
    this.#inner = mqemitter({ matchEmptyLevels: true, ...matching, concurrency: 0 });
    rememberMatches((this.#inner as unknown as { _matcher: Matcher })._matcher);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Messages in delivery now. */
  get current(): number {
    return this.#current;
  }

  /** Messages waiting for a delivery slot. */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  on(topic: string, listener: Listener, done?: () => void): this {
    let bound = this.#bound.get(listener);
    if (!bound) {
      bound = (message, finished) => listener.call(this, message, finished);
      this.#bound.set(listener, bound);
    }
    this.#inner.on(topic, bound, done);
    return this;
  }

  removeListener(topic: string, listener: Listener, done?: () => void): this {
    this.#inner.removeListener(topic, this.#bound.get(listener) ?? listener, done);
    return this;
  }

  removeAllListeners(topic: string, done?: () => void): this {
    (this.#inner as unknown as { removeAllListeners(topic: string, done?: () => void): void }).removeAllListeners(topic, done);
    return this;
  }

  emit(message: Message, callback: Callback = () => {}): this {
    if (this.#closed) {
      callback(new Error('mqemitter is closed'));
      return this;
    }
    this.#queue.push({ message, callback });
    this.#drain();
    return this;
  }

  close(callback: () => void = () => {}): this {
    this.#closed = true;
    this.#inner.close(callback);
    return this;
  }

  /** Starts queued messages while slots are free; re-entered calls leave the work to the running loop. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#head < this.#queue.length && this.#current < this.concurrency) {
        const { message, callback } = this.#queue[this.#head]!;
        this.#head++;
        if (this.#head === this.#queue.length) {
          this.#queue = [];
          this.#head = 0;
        } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
          this.#queue.splice(0, this.#head); // drop the started entries without shifting one at a time
          this.#head = 0;
        }
        this.#current++;
        this.#inner.emit(message, (error) => {
          // As mqemitter: the message still counts as in delivery while its callback runs.
          try {
            callback(error);
          } finally {
            this.#current--;
          }
          this.#drain();
        });
      }
    } finally {
      this.#draining = false;
    }
  }
}

/**
 * Makes a matcher remember each topic's subscribers until the subscriptions change. A fleet publishes
 * on the same few topics per device all run long while its subscriptions are made at connect, and
 * matching every message against the subscription tree again was 6–7 % of aedes' time at 10,000
 * devices (docs/benchmarks.md#what-limits-it, point 8). Any add, remove or clear forgets everything; the arrays handed out are the matcher's own
 * answers, which mqemitter only reads. (mqemitter keeps its matcher in `_matcher`; the version is
 * pinned, and message-emitter.test.ts checks subscribing and unsubscribing between messages.)
 */
function rememberMatches(matcher: Matcher): void {
  const cache = new Map<string, unknown[]>();
  const match = matcher.match.bind(matcher);
  const add = matcher.add.bind(matcher);
  const remove = matcher.remove.bind(matcher);
  const clear = matcher.clear.bind(matcher);
  matcher.match = (topic) => {
    let matches = cache.get(topic);
    if (matches === undefined) {
      matches = match(topic);
      if (cache.size >= MATCH_CACHE_TOPICS) cache.clear();
      cache.set(topic, matches);
    }
    return matches;
  };
  matcher.add = (topic, value) => {
    cache.clear();
    return add(topic, value);
  };
  matcher.remove = (topic, value) => {
    cache.clear();
    return remove(topic, value);
  };
  matcher.clear = () => {
    cache.clear();
    return clear();
  };
}
