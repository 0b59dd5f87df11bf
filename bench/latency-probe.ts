/**
 * Publish → twin latency in wall time, measured from outside the runtime: every message a device hands
 * to its MQTT client (the agent's `onPublish` hook, with channel and seq) is stamped, and the twin's
 * `onReceive` listener (device, channel, seq) closes the pair. It therefore includes everything between
 * the two — mqtt.js, the socket, the broker, the twin's socket, and any time the message waited for
 * the process's single thread (in realtime mode, mostly that).
 */
import type { Run } from '../src/runtime/run.ts';

export interface LatencySummary {
  /** Messages matched publish → twin. */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same, for messages published after the warm-up (the boot burst at t = 0 left out). */
  steady: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Published but never seen by the twin by the time the probe was read. */
  unmatched: number;
}

export class LatencyProbe {
  #sentAt = new Map<string, number>();
  #latencies: number[] = [];
  #publishedAt: number[] = [];
  #origin = 0;

  /** Hooks every agent of `run` and its twin. Call after the Run is built and before `open()`. */
  constructor(run: Run) {
    for (const agent of run.agents) {
      const id = agent.deviceId;
      const previous = agent.onPublish;
      agent.onPublish = (channel, seq) => {
        this.#sentAt.set(`${id}\u0000${channel}\u0000${seq}`, performance.now());
        previous(channel, seq);
      };
    }
    run.twin.onReceive((deviceId, channel, seq) => {
      const key = `${deviceId}\u0000${channel}\u0000${seq}`;
      const sent = this.#sentAt.get(key);
      if (sent === undefined) return;
      this.#sentAt.delete(key);
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
    return { ...all, steady, unmatched: this.#sentAt.size };
  }
}

function percentiles(values: number[]): { samples: number; p50Ms: number; p99Ms: number; maxMs: number } {
  if (values.length === 0) return { samples: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! };
}
