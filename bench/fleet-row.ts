/**
 * One row of the fleet benchmark, in a process of its own so its memory peak (VmHWM) is its own and no
 * socket or heap of an earlier row is left over. bench/fleet.bench.ts starts it; it can also be run by
 * hand with the row as JSON:
 *
 *   node --import tsx bench/fleet-row.ts '{"kind":"fast","devices":1000,"mix":"ward","durationMs":60000}'
 *
 * Prints one line `BENCH-ROW <json>` (a RowResult) on stdout.
 */
import { applyHeapPolicy } from '../src/runtime/heap-policy.ts';
import type { Plan } from '../src/scenario/plan.ts';
import { timelineEntrySchema, type TimelineEntry } from '../src/scenario/schema.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run, type LinkPlacement } from '../src/runtime/run.ts';
import { openBenchBroker, type BenchBroker } from './bench-broker.ts';
import { LatencyProbe, type LatencySummary } from './latency-probe.ts';
import { benchPlan, fleetCounts, type FleetCounts, type FleetMix } from './plans.ts';
import { LoopDelay, MemorySampler, procCpuSeconds, threadCpuSeconds, threadSplit, type MemoryPeaks } from './proc-stats.ts';
import { runProxyRow, type ProxyRowResult, type ProxyRowSpec } from './proxy-row.ts';
import { measureCeiling, type CeilingResult } from './transport-ceiling.ts';

/**
 * medtwin's broker as it is (in a child process, as large fleets run it), medtwin's broker in the
 * row's own process (as `medtwin run` places it up to CHILD_BROKER_THRESHOLD devices), or Mosquitto.
 */
export type BrokerChoice = 'medtwin' | 'medtwin-in-process' | 'mosquitto';

export type RowSpec = { broker?: BrokerChoice; links?: LinkPlacement } & (
  | { kind: 'fast' | 'ward'; devices: number; mix: FleetMix; durationMs: number; syncMs?: number; maxWallMs?: number; proxied?: boolean }
  | {
      kind: 'realtime';
      devices: number;
      mix: FleetMix;
      durationMs: number;
      speed?: number;
      warmupMs?: number;
      maxWallMs?: number;
      /** The fleet reaches the broker through the run's fault proxies, with no fault active (withProxies). */
      proxied?: boolean;
    }
  | {
      kind: 'ceiling';
      devices: number;
      messages: number;
      payloadBytes: number;
      window?: number;
      /** 'ward': the 40-bed ward row's messages, reported beside that row rather than a fast row of the same size. */
      of?: 'ward';
    }
  | ProxyRowSpec
);

export interface BrokerInfo {
  via: BenchBroker['via'];
  fallbackReason?: string;
  /** The broker process died during the row (its figures are then not a measurement of steady work). */
  crashed?: boolean;
  /** The broker died while the fleet disconnected, after the figures were taken. */
  diedAtTeardown?: boolean;
}

export interface SimRowResult {
  kind: 'fast' | 'ward' | 'realtime';
  devices: number;
  mix: FleetMix;
  counts: FleetCounts;
  broker: BrokerInfo;
  buildMs: number;
  connectMs: number;
  simMs: number;
  /** Less than simMs when the row hit its wall-clock cap. */
  plannedSimMs: number;
  wallMs: number;
  published: number;
  delivered: number;
  messagesPerSecond: number;
  /** Simulated time / wall time, connect time excluded. */
  compression: number;
  /** Mean MQTT payload size of device messages, bytes (what the ceiling row publishes). */
  payloadBytes: number;
  settleTimeouts: number;
  /** Where the device clients ran: on the simulation thread, or on a link thread of their own. */
  links: LinkPlacement;
  /** Fast mode's settle window the row ran with, ms (the runtime's default for its fleet unless given). */
  syncMs?: number;
  events: number;
  latency?: LatencySummary;
  /** The row ran with the run's fault proxies in the path (no fault active): connections they accepted. */
  proxied?: { connections: number };
  memory: MemoryPeaks;
  /** This process's RSS and live V8 heap (after a full GC) after each phase, MiB: where the memory goes. */
  phases: Record<'afterBuild' | 'afterConnect' | 'afterRun', { rssMiB: number; heapUsedMiB: number }>;
  /**
   * CPU seconds used while simulated time ran (connect excluded), by this process and by the broker,
   * and this process's split: main thread, busiest other thread (the link thread, if any), the rest.
   */
  cpu: { simProcessS: number; brokerS: number; threads: { mainS: number; busiestOtherS: number; restS: number } };
  loopDelay: { p99Ms: number; maxMs: number };
}

export interface CeilingRowResult extends CeilingResult {
  kind: 'ceiling';
  devices: number;
  of?: 'ward';
  broker: BrokerInfo;
  memory: MemoryPeaks;
  cpu: { simProcessS: number; brokerS: number };
}

export type ProxyRowRecord = ProxyRowResult & { broker: BrokerInfo };

export type RowResult = SimRowResult | CeilingRowResult | ProxyRowRecord;

type SimRowSpec = Exclude<RowSpec, { kind: 'ceiling' | 'proxy' }>;

/** Runs one row against a fresh broker child and returns its figures. */
export async function runRow(spec: RowSpec, brokerNodeArgs: string[] = []): Promise<RowResult> {
  const broker = await openBenchBroker({ nodeArgs: brokerNodeArgs, kind: spec.broker });
  const info: BrokerInfo = { via: broker.via, ...(broker.fallbackReason ? { fallbackReason: broker.fallbackReason } : {}) };
  const memory = new MemorySampler(broker.pid);
  try {
    if (spec.kind === 'ceiling') {
      const cpu0 = cpuNow(broker);
      const result = await measureCeiling({
        url: broker.url,
        clients: spec.devices,
        messages: spec.messages,
        payloadBytes: spec.payloadBytes,
        window: spec.window,
      });
      return {
        kind: 'ceiling',
        ...result,
        devices: spec.devices,
        ...(spec.of ? { of: spec.of } : {}),
        broker: withHealth(info, broker),
        memory: memory.stop(),
        cpu: cpuSince(broker, cpu0),
      };
    }
    if (spec.kind === 'proxy')
      return { ...(await runProxyRow(spec, broker.url, () => broker.cpuSeconds())), broker: withHealth(info, broker) };
    const result = await runSimulation(spec, broker, info, memory);
    // 10,000 devices saying goodbye at once (a retained status each) is a burst of its own; give the
    // broker a second to take it before asking whether it survived.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (!result.broker.crashed && !broker.alive()) result.broker.diedAtTeardown = true;
    return result;
  } finally {
    memory.stop();
    await broker.close();
  }
}

async function runSimulation(spec: SimRowSpec, broker: BenchBroker, info: BrokerInfo, memory: MemorySampler): Promise<SimRowResult> {
  const plan = spec.proxied
    ? withProxies(benchPlan(spec.devices, spec.mix, spec.durationMs))
    : benchPlan(spec.devices, spec.mix, spec.durationMs);
  const buildStart = performance.now();
  const run = new Run(plan, DEFAULT_DEPENDENCIES, {
    mode: spec.kind === 'realtime' ? 'realtime' : 'fast',
    ...(spec.kind === 'realtime' ? { speed: spec.speed ?? 1 } : { syncMs: spec.syncMs }),
    brokerUrl: broker.url,
    ...(spec.links ? { links: spec.links } : {}),
  });
  const buildMs = performance.now() - buildStart;
  const afterBuild = heapAndRss();
  const probe = spec.kind === 'realtime' ? new LatencyProbe(run) : undefined;
  try {
    const connectStart = performance.now();
    await run.open();
    const connectMs = performance.now() - connectStart;
    const afterConnect = heapAndRss();
    // The mean payload size from every 16th message: measuring every one cost the simulation thread
    // 1-2 % of the very throughput this row measures.
    let payloadTotal = 0;
    let payloadCount = 0;
    let published = 0;
    for (const agent of run.agents) {
      const previous = agent.onPublish;
      agent.onPublish = (channel, seq, payload) => {
        if ((published++ & 15) === 0) {
          payloadTotal += Buffer.byteLength(payload);
          payloadCount++;
        }
        previous(channel, seq, payload);
      };
    }
    const cpu0 = cpuNow(broker);
    const threads0 = threadCpuSeconds();
    const loop = new LoopDelay();
    probe?.start();
    // A row that cannot keep up is stopped, not waited for: it reports how far it got.
    const cap = setTimeout(() => run.stop(), spec.maxWallMs ?? defaultCapMs(spec));
    await run.runToEnd();
    clearTimeout(cap);
    const loopDelay = loop.stop();
    const cpu = { ...cpuSince(broker, cpu0), threads: threadSplit(threads0) };
    const status = run.status();
    const proxied = spec.proxied ? { connections: proxyConnections(run) } : undefined;
    return {
      kind: spec.kind,
      devices: run.agents.length,
      mix: spec.mix,
      counts: fleetCounts(spec.devices, spec.mix),
      broker: withHealth(info, broker),
      buildMs,
      connectMs,
      simMs: status.simMs,
      plannedSimMs: spec.durationMs,
      wallMs: status.wallMs,
      published: status.messages,
      delivered: status.delivered,
      messagesPerSecond: (status.messages / status.wallMs) * 1000,
      compression: status.simMs / status.wallMs,
      payloadBytes: payloadCount === 0 ? 0 : payloadTotal / payloadCount,
      settleTimeouts: run.settleTimeouts,
      links: run.links,
      ...(spec.kind === 'realtime' ? {} : { syncMs: run.syncMs }),
      events: status.events,
      ...(probe && spec.kind === 'realtime' ? { latency: probe.summary(spec.warmupMs ?? 5000) } : {}),
      ...(proxied ? { proxied } : {}),
      memory: memory.stop(),
      phases: { afterBuild, afterConnect, afterRun: heapAndRss() },
      cpu,
      loopDelay,
    };
  } finally {
    await run.close();
  }
}

/**
 * The plan with the run's fault proxies in the path and no fault active: a run builds its network (a
 * listener per zone, every device routed through its zone's) when the timeline names a network fault,
 * so one is scheduled a day after the longest row ends — it never starts.
 */
export function withProxies(plan: Plan): Plan {
  const never = timelineEntrySchema.parse({
    id: 'proxy-in-path',
    at: '48h',
    fault: 'network.latency',
    target: { zone: plan.fleet.zones[0]!.id },
  });
  return { ...plan, timeline: [...(plan.timeline ?? []), { ...never, id: 'proxy-in-path' } as TimelineEntry] };
}

/** Connections the run's proxies accepted (every device's, through its zone's listener). */
function proxyConnections(run: Run): number {
  let accepted = 0;
  for (const listener of Object.values(run.result().network?.listeners ?? {}))
    accepted += (listener as { accepted?: number }).accepted ?? 0;
  return accepted;
}

/** Realtime rows may take twice their span (plus the final settle), fast rows 5 minutes, the ward 15. */
function defaultCapMs(spec: SimRowSpec): number {
  if (spec.kind === 'realtime') return 2 * (spec.durationMs / (spec.speed ?? 1));
  return spec.kind === 'ward' ? 900_000 : 300_000;
}

/** Live memory at a phase boundary (outside every timed section): after a full GC when --expose-gc is on. */
function heapAndRss(): { rssMiB: number; heapUsedMiB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMiB: m.rss / 2 ** 20, heapUsedMiB: m.heapUsed / 2 ** 20 };
}

function withHealth(info: BrokerInfo, broker: BenchBroker): BrokerInfo {
  return broker.alive() ? info : { ...info, crashed: true };
}

function cpuNow(broker: BenchBroker): { self: number; broker: number } {
  return { self: procCpuSeconds('self') ?? 0, broker: broker.cpuSeconds() ?? 0 };
}

function cpuSince(broker: BenchBroker, from: { self: number; broker: number }): { simProcessS: number; brokerS: number } {
  const now = cpuNow(broker);
  return { simProcessS: now.self - from.self, brokerS: now.broker - from.broker };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as RowSpec;
  applyHeapPolicy(); // as the medtwin CLI does
  // With --cpu-prof the broker is profiled too (bench/bench-broker.ts explains how).
  const brokerNodeArgs = process.execArgv.filter((a) => a.startsWith('--cpu-prof'));
  try {
    const result = await runRow(spec, brokerNodeArgs);
    process.stdout.write(`BENCH-ROW ${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (error) {
    process.stderr.write(
      `bench row ${JSON.stringify(spec)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  }
}
