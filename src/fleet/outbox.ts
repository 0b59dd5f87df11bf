import type { ConnectivityPolicy } from '../../devices/descriptor.ts';
import { CHANNELS, type Channel } from '../net/topics.ts';

/** A message a device generated while it could not reach the broker. */
export interface StoredMessage {
  channel: Channel;
  seq: number;
  /** Simulated time it was generated (its envelope's `t`). */
  t: number;
  body: unknown;
  qos: 0 | 1;
  retain: boolean;
}

/** Why a device let go of a message it generated offline. */
export type StoreLoss = 'offline' | 'buffer-span' | 'buffer-overflow';

/**
 * A device's store-and-forward buffer: what it generates while offline, kept in order for backfill on
 * reconnect (the kind's ConnectivityPolicy says what it keeps). Bounded: past `capacity` messages the
 * oldest goes (drop-oldest, as a ring buffer in firmware does), and telemetry older than `telemetrySpanMs`
 * goes too; each loss is reported with its reason, so the delivery account stays whole.
 */
export class Outbox {
  readonly #policy: ConnectivityPolicy;
  readonly #onLoss: (message: StoredMessage, reason: StoreLoss) => void;
  #messages: StoredMessage[] = [];
  /** Messages let go, by reason (for the report). */
  readonly lost: Record<StoreLoss, number> = { offline: 0, 'buffer-span': 0, 'buffer-overflow': 0 };
  /** The most the buffer held at once. */
  peak = 0;

  constructor(policy: ConnectivityPolicy, onLoss: (message: StoredMessage, reason: StoreLoss) => void) {
    this.#policy = policy;
    this.#onLoss = onLoss;
  }

  get size(): number {
    return this.#messages.length;
  }

  /** Keeps `message` if the policy stores its channel (else it is lost as `offline`); evicts what the bounds say. */
  add(message: StoredMessage, now: number): void {
    if (message.channel === CHANNELS.telemetry && this.#policy.telemetry === 'drop') return this.#lose(message, 'offline');
    this.#messages.push(message);
    this.#expire(now);
    while (this.#messages.length > this.#policy.capacity) {
      // Drop-oldest, but telemetry first: a device keeps its alarms and events longest.
      const index = this.#messages.findIndex((m) => m.channel === CHANNELS.telemetry);
      const [evicted] = this.#messages.splice(index === -1 ? 0 : index, 1);
      this.#lose(evicted!, 'buffer-overflow');
    }
    this.peak = Math.max(this.peak, this.#messages.length);
  }

  /** Everything kept, oldest first, emptying the buffer (the device backfills it now). */
  drain(now: number): StoredMessage[] {
    this.#expire(now);
    const out = this.#messages;
    this.#messages = [];
    return out;
  }

  /** Telemetry past the span is of no use to anyone: let it go. */
  #expire(now: number): void {
    const oldest = now - this.#policy.telemetrySpanMs;
    if (!this.#messages.some((m) => m.channel === CHANNELS.telemetry && m.t < oldest)) return;
    this.#messages = this.#messages.filter((m) => {
      if (m.channel !== CHANNELS.telemetry || m.t >= oldest) return true;
      this.#lose(m, 'buffer-span');
      return false;
    });
  }

  #lose(message: StoredMessage, reason: StoreLoss): void {
    this.lost[reason]++;
    this.#onLoss(message, reason);
  }
}
