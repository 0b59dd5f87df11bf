/**
 * Publish → twin latency in wall time, measured from outside the runtime: every message a device hands
 * to its MQTT client (the agent's `onPublish` hook, with channel and seq) is stamped, and the twin's
 * `onReceive` listener (device, channel, seq) closes the pair. It therefore includes everything between
 * the two — mqtt.js, the socket, the broker, the twin's socket, and any time the message waited for
 * the process's single thread (in realtime mode, mostly that).
 *
 * It times every SAMPLE_EVERY-th message of each device channel (by sequence number, so which messages
 * are timed has nothing to do with how long they take): a 10,000-device realtime row still times about
 * 75,000 messages in 30 s, and the probe's own work on the simulation thread, which it would otherwise
 * measure as latency, drops from about 6 % of that thread to about 2 %. Each device counts from its own
 * offset (its index in the fleet): devices that boot together keep equal sequence numbers, so one count
 * for all timed the whole fleet in two seconds out of four and nobody in the other two, and a stall
 * weighed twice in the p99 or not at all.
 */
import type { Run } from '../src/runtime/run.ts';

export interface LatencySummary {
  /** Messages timed (every SAMPLE_EVERY-th per device channel) and matched publish → twin. */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same, for messages published after the warm-up (the boot burst at t = 0 left out). */
  steady: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Timed messages published but never seen by the twin by the time the probe was read. */
  unmatched: number;
  /** p99 and max of the messages published in each wall-clock second from the start, ms: when the slow ones were sent. */
  bySecond: { p99Ms: number; maxMs: number }[];
}

/** One message in this many per device channel is timed. */
export const SAMPLE_EVERY = 4;

export class LatencyProbe {
  // Per device and channel, the messages on their way (a device's messages reach the twin in order).
  // Arrays of numbers, not a map of string keys: the probe must not add garbage to what it measures.
  #inFlight = new Map<string, { offset: number; channels: Map<string, InFlight> }>();
  #latencies: number[] = [];
  #publishedAt: number[] = [];
  #origin = 0;

  /** Hooks every agent of `run` and its twin. Call after the Run is built and before `open()`. */
  constructor(run: Run) {
    for (const [index, agent] of run.agents.entries()) {
      const channels = new Map<string, InFlight>();
      const offset = index % SAMPLE_EVERY;
      this.#inFlight.set(agent.deviceId, { offset, channels });
      const previous = agent.onPublish;
      agent.onPublish = (channel, seq, payload) => {
        if ((seq + offset) % SAMPLE_EVERY !== 0) return previous(channel, seq, payload);
        let queue = channels.get(channel);
        if (queue === undefined) channels.set(channel, (queue = new InFlight()));
        queue.push(seq, performance.now());
        previous(channel, seq, payload);
      };
    }
    run.twin.onReceive((deviceId, channel, seq) => {
      const device = this.#inFlight.get(deviceId);
      if (device === undefined || (seq + device.offset) % SAMPLE_EVERY !== 0) return;
      const sent = device.channels.get(channel)?.take(seq);
      if (sent === undefined) return;
      this.#latencies.push(performance.now() - sent);
      this.#publishedAt.push(sent);
    });
  }

  /** Marks the start of simulated time; messages published within `warmupMs` of it are left out of `steady`. */
  start(): void {
    this.#origin = performance.now();
  }

  summary(warmupMs: number): LatencySummary {
    const all = percentiles(this.#latencies);
    const steadyFrom = this.#origin + warmupMs;
    const steady = percentiles(this.#latencies.filter((_, i) => this.#publishedAt[i]! >= steadyFrom));
    let unmatched = 0;
    for (const { channels } of this.#inFlight.values()) for (const queue of channels.values()) unmatched += queue.size;
    const seconds: number[][] = [];
    for (const [i, latency] of this.#latencies.entries()) {
      const second = Math.max(0, Math.floor((this.#publishedAt[i]! - this.#origin) / 1000));
      (seconds[second] ??= []).push(latency);
    }
    const bySecond = Array.from(seconds, (values) => {
      const { p99Ms, maxMs } = percentiles(values ?? []);
      return { p99Ms: Math.round(p99Ms), maxMs: Math.round(maxMs) };
    });
    return { ...all, steady, unmatched, bySecond };
  }
}

function percentiles(values: number[]): { samples: number; p50Ms: number; p99Ms: number; maxMs: number } {
  if (values.length === 0) return { samples: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! };
}

/** Sequence numbers and publish times of one device channel's messages not yet seen by the twin, oldest first. */
class InFlight {
  #seqs: number[] = [];
  #times: number[] = [];
  #head = 0;
  #skipped = 0;

  /** Messages the twin has not seen: still in flight, or passed over by a later one. */
  get size(): number {
    return this.#seqs.length - this.#head + this.#skipped;
  }

  push(seq: number, time: number): void {
    this.#seqs.push(seq);
    this.#times.push(time);
  }

  /** The publish time of `seq`, dropping older messages the twin never saw; undefined if not in flight. */
  take(seq: number): number | undefined {
    while (this.#head < this.#seqs.length && this.#seqs[this.#head]! < seq) {
      this.#head++;
      this.#skipped++;
    }
    if (this.#head === this.#seqs.length || this.#seqs[this.#head] !== seq) return undefined;
    const time = this.#times[this.#head++]!;
    if (this.#head > 1024 && this.#head * 2 > this.#seqs.length) {
      this.#seqs.splice(0, this.#head);
      this.#times.splice(0, this.#head);
      this.#head = 0;
    }
    return time;
  }
}
