/**
 * The fault proxy's cost with no fault active, measured against the same broker in the same process
 * run, in alternating pairs (direct, proxied, direct, proxied...) so the VM's drift hits both alike:
 *
 *  - throughput: the transport ceiling (bench/transport-ceiling.ts) with the publishers connecting
 *    straight to the broker, then through a FaultProxy (one listener, as for one zone); the
 *    subscriber (the twin's seat) connects straight to the broker both times;
 *  - latency: publishers at a steady pace (every device once a second, spread over the second),
 *    publish → subscriber in wall time, direct and through the proxy; the proxy's added latency is the
 *    difference of the medians.
 *
 * The proxy runs in this process, beside the clients, as the runtime would host it (phase 2).
 */
import type { MqttClient } from 'mqtt';
import { Rng } from '../src/core/rng.ts';
import { closeClient, connectClient, whenConnected } from '../src/net/client.ts';
import { FaultProxy } from '../src/net/proxy/fault-proxy.ts';
import { WallClock } from '../src/net/wall-clock.ts';
import { procCpuSeconds } from './proc-stats.ts';
import type { SimRowResult } from './fleet-row.ts';
import { measureCeiling } from './transport-ceiling.ts';

export interface ProxyRowSpec {
  kind: 'proxy';
  devices: number;
  /** Messages per ceiling run. */
  messages: number;
  payloadBytes: number;
  /** Alternating direct/proxied pairs (default 3). */
  pairs?: number;
  /** Wall time of each latency run, ms (default 10 s; the first 2 s are warm-up). */
  latencyRunMs?: number;
}

export interface LatencyRun {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ProxyRowResult {
  kind: 'proxy';
  devices: number;
  payloadBytes: number;
  pairs: number;
  ceiling: {
    directMsgPerS: number[];
    proxiedMsgPerS: number[];
    ratio: number;
    /**
     * CPU per message of this process (the clients, and the proxy when it is in the path) and of the
     * broker, µs, medians: what the proxy costs, less disturbed by the neighbours than msg/s.
     */
    cpuUsPerMessage: { direct: { clients: number; broker: number }; proxied: { clients: number; broker: number } };
  };
  latency: { direct: LatencyRun[]; proxied: LatencyRun[]; addedP50Ms: number };
  /** What the proxy saw over the whole row: bytes in = bytes out, nothing dropped or held. */
  proxyAccount: { accepted: number; upstreamIn: number; upstreamOut: number; dropped: number };
}

export async function runProxyRow(
  spec: ProxyRowSpec,
  brokerUrl: string,
  brokerCpuSeconds: () => number | undefined,
): Promise<ProxyRowResult> {
  const { hostname, port } = new URL(brokerUrl);
  const proxy = await FaultProxy.start({
    name: 'zone:bench',
    upstream: { host: hostname, port: Number(port) },
    clock: new WallClock(),
    rng: new Rng('bench'),
  });
  const pairs = spec.pairs ?? 3;
  const directMsgPerS: number[] = [];
  const proxiedMsgPerS: number[] = [];
  const cpu = { direct: { clients: [] as number[], broker: [] as number[] }, proxied: { clients: [] as number[], broker: [] as number[] } };
  const direct: LatencyRun[] = [];
  const proxied: LatencyRun[] = [];
  try {
    for (let i = 0; i < pairs; i++) {
      // Swap the order every pair, so neither side always runs on a warmer (or more crowded) machine.
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const viaProxy of order) {
        const self0 = procCpuSeconds('self') ?? 0;
        const broker0 = brokerCpuSeconds() ?? 0;
        const ceiling = await measureCeiling({
          url: viaProxy ? proxy.url : brokerUrl,
          subscriberUrl: brokerUrl,
          clients: spec.devices,
          messages: spec.messages,
          payloadBytes: spec.payloadBytes,
        });
        (viaProxy ? proxiedMsgPerS : directMsgPerS).push(ceiling.messagesPerSecond);
        // Connecting and closing are inside this span too; the same for both sides.
        const side = viaProxy ? cpu.proxied : cpu.direct;
        side.clients.push((((procCpuSeconds('self') ?? 0) - self0) / ceiling.received) * 1e6);
        side.broker.push((((brokerCpuSeconds() ?? 0) - broker0) / ceiling.received) * 1e6);
      }
      for (const viaProxy of order) {
        const run = await measureLatency(
          viaProxy ? proxy.url : brokerUrl,
          brokerUrl,
          spec.devices,
          spec.payloadBytes,
          spec.latencyRunMs ?? 10_000,
        );
        (viaProxy ? proxied : direct).push(run);
      }
    }
    const account = proxy.account();
    return {
      kind: 'proxy',
      devices: spec.devices,
      payloadBytes: spec.payloadBytes,
      pairs,
      ceiling: {
        directMsgPerS,
        proxiedMsgPerS,
        ratio: median(proxiedMsgPerS) / median(directMsgPerS),
        cpuUsPerMessage: {
          direct: { clients: median(cpu.direct.clients), broker: median(cpu.direct.broker) },
          proxied: { clients: median(cpu.proxied.clients), broker: median(cpu.proxied.broker) },
        },
      },
      latency: { direct, proxied, addedP50Ms: median(proxied.map((r) => r.p50Ms)) - median(direct.map((r) => r.p50Ms)) },
      proxyAccount: {
        accepted: account.accepted,
        upstreamIn: account.upstream.bytes.in,
        upstreamOut: account.upstream.bytes.out,
        dropped: account.upstream.bytes.dropped + account.downstream.bytes.dropped,
      },
    };
  } finally {
    await proxy.close();
  }
}

/**
 * `devices` publishers, each once a second at its own offset in the second (as the fleet's monitors
 * report), stamped with the send time; one subscriber straight on the broker. Latency per message
 * after a 2 s warm-up.
 */
async function measureLatency(
  url: string,
  subscriberUrl: string,
  devices: number,
  payloadBytes: number,
  runMs: number,
): Promise<LatencyRun> {
  const subscriber = connectClient({ url: subscriberUrl, identity: { clientId: 'bench-proxy-sub' } });
  subscriber.on('error', () => {});
  await whenConnected(subscriber, 30_000);
  await subscriber.subscribeAsync('medtwin/bench-proxy/#', { qos: 0 });
  const publishers: MqttClient[] = [];
  for (let i = 0; i < devices; i += 200) {
    const batch = Array.from({ length: Math.min(200, devices - i) }, (_, j) => {
      const c = connectClient({ url, identity: { clientId: `bench-proxy-${i + j}` } });
      c.on('error', () => {});
      publishers.push(c);
      return whenConnected(c, 30_000);
    });
    await Promise.all(batch);
  }
  const latencies: number[] = [];
  const start = performance.now();
  const warmupEnd = start + 2000;
  subscriber.on('message', (_topic, payload) => {
    const sent = payload.readDoubleLE(0);
    if (sent >= warmupEnd) latencies.push(performance.now() - sent);
  });
  const topics = publishers.map((_, i) => `medtwin/bench-proxy/ward-00/monitor/dev-${i}/telemetry`);
  // A 10 ms tick publishes the devices whose offset falls in it: devices/100 per tick.
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.floor((elapsed / 1000) * devices);
      for (; next < due; next++) {
        const payload = Buffer.alloc(Math.max(8, Math.round(payloadBytes)), 0x20);
        payload.writeDoubleLE(performance.now(), 0);
        const i = next % devices;
        publishers[i]!.publish(topics[i]!, payload, { qos: 0 });
      }
      if (elapsed >= runMs) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await Promise.all([...publishers, subscriber].map((c) => closeClient(c, 1000)));
  latencies.sort((a, b) => a - b);
  return { samples: latencies.length, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function cpuCell(r: ProxyRowResult): string {
  const { direct, proxied } = r.ceiling.cpuUsPerMessage;
  return `${direct.clients.toFixed(0)} / ${direct.broker.toFixed(0)} → ${proxied.clients.toFixed(0)} / ${proxied.broker.toFixed(0)}`;
}

function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** The Markdown section for `npm run bench`. */
export function formatProxyRows(results: ProxyRowResult[]): string | undefined {
  if (results.length === 0) return undefined;
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    '### Fault proxy in the path, no fault active (transport level)\n',
    '| devices | ceiling direct msg/s | ceiling via proxy msg/s | via proxy / direct | CPU µs/msg clients+proxy / broker, direct → via proxy | latency p50 direct | latency p50 via proxy | added p50 | p99 direct / via proxy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const med = (xs: number[]) => median(xs);
    lines.push(
      `| ${int(r.devices)} | ${r.ceiling.directMsgPerS.map(int).join(' / ')} | ${r.ceiling.proxiedMsgPerS.map(int).join(' / ')} | ` +
        `${r.ceiling.ratio.toFixed(2)}× ${r.ceiling.ratio >= 0.9 ? '✓' : '✗'} | ${cpuCell(r)} | ${med(r.latency.direct.map((x) => x.p50Ms)).toFixed(2)} ms | ` +
        `${med(r.latency.proxied.map((x) => x.p50Ms)).toFixed(2)} ms | ${r.latency.addedP50Ms.toFixed(2)} ms ${r.latency.addedP50Ms < 1 ? '✓' : '✗'} | ` +
        `${med(r.latency.direct.map((x) => x.p99Ms)).toFixed(1)} / ${med(r.latency.proxied.map((x) => x.p99Ms)).toFixed(1)} ms |`,
    );
  }
  lines.push(
    '',
    `Targets (issue 15): via proxy ≥ 0.9× direct (medians of ${results[0]!.pairs} alternating pairs); added median publish → subscriber latency < 1 ms. ` +
      'The full-simulation rows follow.',
  );
  return lines.join('\n');
}

/** Fast and realtime rows of one fleet size, direct and with the run's fault proxies in the path (bench/fleet.bench.ts). */
export interface ProxySimPairs {
  devices: number;
  fast: { direct: SimRowResult[]; proxied: SimRowResult[] };
  realtime: { direct: SimRowResult[]; proxied: SimRowResult[] };
}

/** Where the rows' device clients ran: one placement when every row of the pairs agrees, else direct / via proxies. */
function placements(r: ProxySimPairs): string {
  const of = (rows: SimRowResult[]) => [...new Set(rows.map((x) => x.links))].join('+') || '—';
  const direct = of([...r.fast.direct, ...r.realtime.direct]);
  const proxied = of([...r.fast.proxied, ...r.realtime.proxied]);
  return direct === proxied ? direct : `${direct} / ${proxied}`;
}

/** The full-simulation proxy rows as a markdown table, or undefined without any. */
export function formatProxySimRows(results: ProxySimPairs[]): string | undefined {
  if (results.length === 0) return undefined;
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const p50 = (r: SimRowResult) => r.latency?.steady.p50Ms ?? Number.NaN;
  const lines = [
    "### The fleet behind the run's fault proxies, no fault active (full simulation)\n",
    '| devices | clients | fast msg/s direct | fast msg/s via proxies | via / direct | realtime p50 publish → twin direct | via proxies | added p50 | proxied connections |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const ratio = median(r.fast.proxied.map((x) => x.messagesPerSecond)) / median(r.fast.direct.map((x) => x.messagesPerSecond));
    const added = median(r.realtime.proxied.map(p50)) - median(r.realtime.direct.map(p50));
    const connections = [...r.fast.proxied, ...r.realtime.proxied].map((x) => x.proxied?.connections ?? 0);
    lines.push(
      `| ${int(r.devices)} | ${placements(r)} | ${r.fast.direct.map((x) => int(x.messagesPerSecond)).join(' / ')} | ${r.fast.proxied.map((x) => int(x.messagesPerSecond)).join(' / ')} | ` +
        `${ratio.toFixed(2)}× ${ratio >= 0.9 ? '✓' : '✗'} | ${r.realtime.direct.map((x) => p50(x).toFixed(2)).join(' / ')} ms | ` +
        `${r.realtime.proxied.map((x) => p50(x).toFixed(2)).join(' / ')} ms | ${added.toFixed(2)} ms ${added < 1 ? '✓' : '✗'} | ${connections.join(' / ')} |`,
    );
  }
  lines.push(
    '',
    'Targets (issue 15): fast-mode msg/s via the proxies ≥ 0.9× direct, and added median publish → twin latency in realtime (steady state, after the warm-up) < 1 ms; ' +
      'medians of alternating pairs, each row a process with its own broker. The proxies are the ones a run builds for a network fault (one listener per zone); ' +
      'the fault is scheduled after the row ends, so none is active. `clients`: where the device clients ran, on both sides alike ' +
      '(a run with network faults keeps them on the simulation thread whatever its size, so the direct side does too).',
  );
  return lines.join('\n');
}
