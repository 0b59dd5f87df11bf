import { Worker } from 'node:worker_threads';
import type { DeviceLink, LinkOpener, LinkOptions, MessageHandler, RetainedMessage } from './device-link.ts';
import { MedtwinError } from '../core/errors.ts';
import { MESSAGE_FIELDS, MESSAGE_RETAIN, PUBLISH_RETAIN, type FromLinkThread, type ToLinkThread } from './link-protocol.ts';

const ENTRY = new URL('./link-thread-entry.mjs', import.meta.url);

/**
 * Messages sent on to the link thread as soon as this many are waiting, so it publishes while a
 * fast-mode window (one long burst) still runs (docs/benchmarks.md#what-limits-it, point 4).
 */
const OUTBOX_FLUSH = 200;

/**
 * Runs a fleet's device clients on a link thread of their own. Each device still has its own mqtt.js
 * client and connection; what moves off the simulation's thread is their socket work — one write per
 * message per device, the packets' encoding, their stream bookkeeping and its garbage — about a fifth
 * of the simulation thread's time at 10,000 devices (docs/benchmarks.md#what-limits-it). Publishes are sent in one
 * batch per burst of simulation work; received commands come back the same way, in order.
 */
export class LinkPool implements LinkOpener {
  #worker: Worker;
  #nextId = 1;
  #handlers = new Map<number, MessageHandler>();
  #opening = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #closing = new Map<number, () => void>();
  #fencing = new Map<number, () => void>();
  #nextFence = 1;
  // The next publish batch (link-protocol.ts): its numbers, its payloads, and topics it uses first.
  #meta: number[] = [];
  #payloads: string[] = [];
  #newTopics: string[] = [];
  /** Every topic sent so far, by number. A device publishes on its own few channels, so this stays small. */
  #topicIds = new Map<string, number>();
  /** Topics of received messages, by the link thread's numbers. */
  #receivedTopics: string[] = [];
  #failure: Error | undefined;
  #stopped = false;
  /** Called once if the link thread fails (not when it is stopped): every device is then cut off. */
  onFailure: (error: Error) => void = () => {};

  /**
   * `entry`: the thread's script (tests start a failing one). `maxReceivedTopics`: how many received
   * topics the thread numbers before starting its numbering again (link-thread.ts; tests use a few).
   */
  constructor(entry: URL = ENTRY, options: { maxReceivedTopics?: number } = {}) {
    this.#worker = new Worker(entry, { workerData: options });
    this.#worker.on('message', (message: FromLinkThread) => this.#onMessage(message));
    this.#worker.on('error', (error) => this.#fail(linkError(`the device link thread failed: ${error.message}`, error)));
    this.#worker.on('exit', (code) => {
      if (!this.#stopped) this.#fail(linkError(`the device link thread exited (code ${code}) while devices were connected`));
    });
  }

  /** Set once the link thread has failed: every link is then dead. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  open(options: LinkOptions, onMessage: MessageHandler): Promise<DeviceLink> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    this.#handlers.set(id, onMessage);
    return new Promise<DeviceLink>((resolve, reject) => {
      this.#opening.set(id, { resolve: () => resolve(new PooledLink(this, id)), reject });
      this.#post({ type: 'open', id, options });
    });
  }

  /** Ends the link thread. Close the links first: this does not disconnect them cleanly. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#worker.terminate();
    this.#fail(new Error('the device link thread has been stopped'), false);
  }

  publish(id: number, topic: string, payload: string, qos: 0 | 1, retain: boolean): void {
    if (this.#payloads.length === 0) queueMicrotask(() => this.#flush());
    let topicId = this.#topicIds.get(topic);
    if (topicId === undefined) {
      topicId = this.#topicIds.size;
      this.#topicIds.set(topic, topicId);
      this.#newTopics.push(topic);
    }
    this.#meta.push(id, topicId, qos | (retain ? PUBLISH_RETAIN : 0), payload.length);
    this.#payloads.push(payload);
    if (this.#payloads.length >= OUTBOX_FLUSH) this.#flush();
  }

  fence(id: number): Promise<void> {
    if (this.#failure) return Promise.resolve();
    const fence = this.#nextFence++;
    return new Promise<void>((resolve) => {
      this.#fencing.set(fence, resolve);
      this.#post({ type: 'fence', id, fence });
    });
  }

  close(id: number, farewell?: RetainedMessage): Promise<void> {
    this.#handlers.delete(id);
    if (this.#failure) return Promise.resolve();
    // Whatever the device published before closing goes first.
    this.#flush();
    return new Promise<void>((resolve) => {
      this.#closing.set(id, resolve);
      this.#post({ type: 'close', id, ...(farewell ? { farewell } : {}) });
    });
  }

  #flush(): void {
    if (this.#payloads.length === 0) return;
    const message: ToLinkThread = {
      type: 'publish',
      topics: this.#newTopics,
      meta: Int32Array.from(this.#meta),
      payloads: this.#payloads.join(''),
    };
    this.#meta = [];
    this.#payloads = [];
    this.#newTopics = [];
    if (!this.#failure) this.#post(message);
  }

  #post(message: ToLinkThread): void {
    this.#worker.postMessage(message);
  }

  #onMessage(message: FromLinkThread): void {
    switch (message.type) {
      case 'opened':
      case 'failed': {
        const waiter = this.#opening.get(message.id);
        this.#opening.delete(message.id);
        if (message.type === 'opened') waiter?.resolve();
        else waiter?.reject(new Error(message.message));
        return;
      }
      case 'messages': {
        const topics = this.#receivedTopics;
        if (message.reset) topics.length = 0;
        for (const topic of message.topics) topics.push(topic);
        const { meta } = message;
        const bytes = Buffer.from(message.payloads);
        let offset = 0;
        for (let i = 0; i < meta.length; i += MESSAGE_FIELDS) {
          const end = offset + meta[i + 3]!;
          this.#handlers.get(meta[i]!)?.(topics[meta[i + 1]!]!, bytes.subarray(offset, end), (meta[i + 2]! & MESSAGE_RETAIN) !== 0);
          offset = end;
        }
        return;
      }
      case 'fenced': {
        this.#fencing.get(message.fence)?.();
        this.#fencing.delete(message.fence);
        return;
      }
      case 'closed': {
        this.#closing.get(message.id)?.();
        this.#closing.delete(message.id);
        return;
      }
    }
  }

  #fail(error: Error, report = true): void {
    if (this.#failure) return;
    this.#failure = error;
    if (report) this.onFailure(error);
    for (const waiter of this.#opening.values()) waiter.reject(error);
    this.#opening.clear();
    for (const done of this.#closing.values()) done();
    this.#closing.clear();
    for (const done of this.#fencing.values()) done();
    this.#fencing.clear();
  }
}

/** The simulation thread's side of one device's link in a pool. */
class PooledLink implements DeviceLink {
  #pool: LinkPool;
  #id: number;

  constructor(pool: LinkPool, id: number) {
    this.#pool = pool;
    this.#id = id;
  }

  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): void {
    this.#pool.publish(this.#id, topic, payload, qos, retain);
  }

  close(farewell?: RetainedMessage): Promise<void> {
    return this.#pool.close(this.#id, farewell);
  }

  fence(): Promise<void> {
    return this.#pool.fence(this.#id);
  }
}

/** The link thread is part of the machinery, not the scenario: its failure is an environment error (exit 3). */
function linkError(message: string, cause?: unknown): MedtwinError {
  return new MedtwinError('E_LINK_THREAD', `${message}; every device of the run lost its connection`, { exitCode: 3, cause });
}
