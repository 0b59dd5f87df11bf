/**
 * The fleet benchmark (`npm run bench`): how fast, how large and how timely a medtwin run is on this
 * machine, beside what the bare transport can do. Each row runs in its own process (bench/fleet-row.ts)
 * against its own aedes broker child, so memory peaks and sockets never carry over between rows.
 *
 *   npm run bench                                   # everything, about 15 minutes
 *   npm run bench -- --sizes 100,1000 --only fast,ceiling --duration 2m
 *   npm run bench -- --only realtime --sizes 10000 --duration 60s
 *   npm run bench -- --only ward --ward-duration 24h
 *
 * Rows: fast (virtual time) and the transport-only ceiling per size; a 40-bed ward in fast mode;
 * realtime (speed 1) per size in the ward mix, and monitors only (a pure 1 Hz load) at the largest size.
 * docs/benchmarks.md explains the columns and records measured figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration, parseDuration } from '../src/core/duration.ts';
import { formatReport, type RowRecord } from './bench-report.ts';
import { LINK_THREAD_THRESHOLD, type LinkPlacement } from '../src/runtime/run.ts';
import type { BrokerChoice, RowSpec } from './fleet-row.ts';
import { errorLine, runRowProcess } from './row-process.ts';
import { fleetCounts } from './plans.ts';
import { formatProxyRows, formatProxySimRows, type ProxySimPairs } from './proxy-row.ts';

const KINDS = ['fast', 'ceiling', 'ward', 'realtime', 'proxy'] as const;
type Kind = (typeof KINDS)[number];

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,10000' },
    only: { type: 'string' },
    duration: { type: 'string' },
    'ward-duration': { type: 'string', default: '1h' },
    sync: { type: 'string' },
    'max-wall': { type: 'string' },
    broker: { type: 'string', default: 'medtwin' },
    links: { type: 'string' },
    'proxy-broker': { type: 'string', default: 'in-process' },
    window: { type: 'string' },
    json: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  process.stdout.write(`npm run bench -- [options]

  --sizes <n,n,...>       fleet sizes (default 100,1000,10000)
  --only <kind,...>       ${KINDS.join(', ')} (default: all)
  --duration <d>          simulated time of fast and realtime rows (default: fast 10m/2m/10s by size, realtime 30s)
  --ward-duration <d>     simulated time of the 40-bed ward row (default 1h, extrapolated to 24 h and
                          labelled so; 24h runs the target in full)
  --max-wall <d>          stop a row after this much wall time (default: fast 5m, ward 15m, realtime 2× its span)
  --sync <d>              fast-mode settle window (the runtime's syncMs; default as medtwin run: 5s-60s by fleet)
  --window <n>            ceiling: messages in flight (default 4000)
  --broker <which>        medtwin (its aedes as shipped, default) or mosquitto (an external
                          Eclipse Mosquitto, what --broker URL is for)
  --links <where>         in-thread or link-thread: where the device clients of simulated rows run
                          (default: as medtwin run chooses, a link thread from ${LINK_THREAD_THRESHOLD.toLocaleString('en')} devices;
                          the proxy pairs always run in-thread, as a run with network faults does)
  --proxy-broker <where>  in-process (default) or child-process: where medtwin's broker runs for the proxy
                          pairs, both sides (in-process: as medtwin run places it up to 4,000 devices, and
                          the proxies reach it in-process, docs/network.md#the-proxys-leg-to-the-broker;
                          child-process: as the other rows, the proxies over TCP). With --broker mosquitto
                          the pairs use Mosquitto
  --json <path>           also write every figure as JSON
  --cpu-prof              write V8 CPU profiles of each row and its broker to ${join(tmpdir(), 'medtwin-bench-prof')}
`);
  process.exit(0);
}

const sizes = args.sizes.split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1)
    fail(`--sizes: expected whole numbers of devices like "100,1000", received ${JSON.stringify(args.sizes)}`);
  return n;
});
const only = new Set<Kind>(
  (args.only ?? KINDS.join(',')).split(',').map((k) => {
    const kind = k.trim() as Kind;
    if (!KINDS.includes(kind)) fail(`--only: expected one or more of ${KINDS.join(', ')}, received ${JSON.stringify(k)}`);
    return kind;
  }),
);
const duration = args.duration === undefined ? undefined : parseDuration(args.duration, '--duration');
const wardDuration = parseDuration(args['ward-duration'], '--ward-duration');
const maxWallMs = args['max-wall'] === undefined ? undefined : parseDuration(args['max-wall'], '--max-wall');
const syncMs = args.sync === undefined ? undefined : parseDuration(args.sync, '--sync');
const window = args.window === undefined ? undefined : Number(args.window);
const BROKERS: readonly BrokerChoice[] = ['medtwin', 'mosquitto'];
if (!BROKERS.includes(args.broker as BrokerChoice))
  fail(`--broker: expected one of ${BROKERS.join(', ')}, received ${JSON.stringify(args.broker)}`);
const broker = args.broker as BrokerChoice;
const LINKS: readonly LinkPlacement[] = ['in-thread', 'link-thread'];
if (args.links !== undefined && !LINKS.includes(args.links as LinkPlacement))
  fail(`--links: expected one of ${LINKS.join(', ')}, received ${JSON.stringify(args.links)}`);
const links = args.links as LinkPlacement | undefined;
if (!['in-process', 'child-process'].includes(args['proxy-broker']))
  fail(`--proxy-broker: expected in-process or child-process, received ${JSON.stringify(args['proxy-broker'])}`);
/** The proxy pairs' broker (both sides): see --proxy-broker. */
const proxyBroker: BrokerChoice = broker === 'medtwin' && args['proxy-broker'] === 'in-process' ? 'medtwin-in-process' : broker;

/** Default simulated time of a fast row: smaller fleets run longer, so every row takes tens of seconds. */
function fastDuration(devices: number): number {
  if (duration !== undefined) return duration;
  return devices <= 100 ? 600_000 : devices <= 1000 ? 120_000 : 10_000;
}

/** Telemetry alone, if the ceiling runs without its fast row: monitors 1 Hz, pumps 0.2 Hz, CGMs every 5 min. */
function expectedMessages(devices: number, durationMs: number): number {
  const c = fleetCounts(devices, 'ward');
  return Math.round((durationMs / 1000) * (c.monitors + c.pumps / 5 + c.cgms / 300));
}
/** Mean payload of the ward mix measured in fast rows (used only when no fast row ran). */
const DEFAULT_PAYLOAD_BYTES = 225;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

async function runRow(spec: RowSpec): Promise<RowRecord> {
  const before = loadavg()[0]!;
  const started = performance.now();
  const profDir = join(tmpdir(), 'medtwin-bench-prof');
  if (args['cpu-prof']) mkdirSync(profDir, { recursive: true });
  // One file per thread and process (Node's default names); tsx's loader thread gets its own.
  const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir, `${spec.kind}-${spec.devices}-${Date.now()}`)}`] : [];
  const full = {
    ...spec,
    broker,
    ...(spec.kind !== 'ceiling' && maxWallMs !== undefined ? { maxWallMs } : {}),
    // A row that names its placement keeps it (the proxy pairs: both sides in-thread).
    ...(spec.kind !== 'ceiling' && !spec.links && links ? { links } : {}),
  } as RowSpec;
  const { result, code, stderr } = await runRowProcess(full, { nodeArgs, echoStderr: true });
  const record: RowRecord = { spec, load: [before, loadavg()[0]!], processWallMs: performance.now() - started };
  if (result) record.result = result as RowRecord['result'];
  else record.error = `exit code ${code}${stderr ? `: ${errorLine(stderr)}` : ''}`;
  return record;
}

function describe(spec: RowSpec): string {
  if (spec.kind === 'ceiling')
    return `ceiling: ${spec.devices} bare clients, ${spec.messages} messages of ${Math.round(spec.payloadBytes)} B`;
  if (spec.kind === 'proxy')
    return `proxy: ${spec.devices} bare clients, direct and through a fault proxy, ${spec.pairs ?? 3} alternating pairs`;
  return `${spec.kind}: ${spec.devices} devices (${spec.mix}), ${formatDuration(spec.durationMs)} simulated${'proxied' in spec && spec.proxied ? ', through the fault proxies (no fault active)' : ''}${spec.links ? `, clients ${spec.links}` : ''}`;
}

const records: RowRecord[] = [];
async function row(spec: RowSpec, keep = true): Promise<RowRecord> {
  process.stderr.write(`▶ ${describe(spec)} (load ${loadavg()[0]!.toFixed(1)})\n`);
  const record = await runRow(spec);
  process.stderr.write(`  ${record.error ? `✗ ${record.error}` : 'done'} in ${(record.processWallMs / 1000).toFixed(0)} s\n`);
  if (keep) records.push(record);
  else if (record.error) failures.push(record);
  return record;
}
/** Rows kept out of the tables that failed (the exit code counts them). */
const failures: RowRecord[] = [];

/**
 * The whole simulation behind the run's fault proxies, no fault active, beside the same row without
 * them, in alternating pairs (PROXY_SIM_PAIRS): fast-mode msg/s, and realtime publish → twin latency.
 * Kept apart from `records`, so the main tables stay the direct rows.
 */
const PROXY_SIM_PAIRS = { fast: 3, realtime: 2 };
/**
 * A proxy pair's fast rows run four times the fast row's simulated span: at the default span a row is
 * one to two wall seconds of run at 100 devices, where start-up effects and the machine's drift moved
 * the direct side alone by half (docs/benchmarks.md, the proxy rows late evening).
 */
const PROXY_FAST_SPAN = 4;
/**
 * Where both sides of a proxy pair put their clients: a run with network faults keeps them on the
 * simulation thread whatever its size (run-options.ts linksFor), so the direct side does too, and the
 * ratio measures the proxies alone, not the link thread's gain as well (+10-14 % at 1,000 devices).
 */
const PROXY_PAIR_LINKS: LinkPlacement = 'in-thread';
const proxySims: ProxySimPairs[] = [];
async function proxySimPairs(devices: number): Promise<ProxySimPairs> {
  const out: ProxySimPairs = { devices, fast: { direct: [], proxied: [] }, realtime: { direct: [], proxied: [] } };
  const links = PROXY_PAIR_LINKS;
  const durationMs = duration ?? fastDuration(devices) * PROXY_FAST_SPAN;
  for (let i = 0; i < Math.max(PROXY_SIM_PAIRS.fast, PROXY_SIM_PAIRS.realtime); i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const proxied of i < PROXY_SIM_PAIRS.fast ? order : []) {
      const fast = await row({ kind: 'fast', devices, mix: 'ward', durationMs, syncMs, proxied, links, broker: proxyBroker }, false);
      if (fast.result?.kind === 'fast') out.fast[proxied ? 'proxied' : 'direct'].push(fast.result);
    }
    for (const proxied of i < PROXY_SIM_PAIRS.realtime ? order : []) {
      const realtime = await row(
        { kind: 'realtime', devices, mix: 'ward', durationMs: duration ?? 30_000, proxied, links, broker: proxyBroker },
        false,
      );
      if (realtime.result?.kind === 'realtime') out.realtime[proxied ? 'proxied' : 'direct'].push(realtime.result);
    }
  }
  return out;
}

const benchStart = performance.now();
const loadStart = loadavg();
for (const devices of sizes) {
  let messages = expectedMessages(devices, fastDuration(devices));
  let payloadBytes = DEFAULT_PAYLOAD_BYTES;
  if (only.has('fast')) {
    const fast = await row({ kind: 'fast', devices, mix: 'ward', durationMs: fastDuration(devices), syncMs });
    if (fast.result?.kind === 'fast') {
      messages = fast.result.published;
      payloadBytes = fast.result.payloadBytes;
    }
  }
  if (only.has('ceiling')) await row({ kind: 'ceiling', devices, messages, payloadBytes, window });
  // The fault proxy's cost with no fault active, beside the same transport without it (bench/proxy-row.ts).
  // Fleets of 10,000 leave it out: two extra descriptors per device at both ends of the proxy.
  if (only.has('proxy') && devices <= 1000) {
    await row({ kind: 'proxy', devices, messages, payloadBytes });
    proxySims.push(await proxySimPairs(devices));
  }
}
if (only.has('ward')) {
  const ward = await row({ kind: 'ward', devices: 100, mix: 'ward', durationMs: wardDuration, syncMs });
  // The ward's own floor: its messages through bare clients, so its 24 h target sits beside what the
  // transport alone takes for the same traffic on this machine.
  if (ward.result?.kind === 'ward') {
    await row({
      kind: 'ceiling',
      devices: 100,
      messages: ward.result.published,
      payloadBytes: ward.result.payloadBytes,
      window,
      of: 'ward',
    });
  }
}
if (only.has('realtime')) {
  const realtimeMs = duration ?? 30_000;
  for (const devices of sizes) await row({ kind: 'realtime', devices, mix: 'ward', durationMs: realtimeMs });
  await row({ kind: 'realtime', devices: Math.max(...sizes), mix: 'monitors', durationMs: realtimeMs });
}

const proxySection = [
  formatProxyRows(records.flatMap((r) => (r.result?.kind === 'proxy' ? [r.result] : []))),
  formatProxySimRows(proxySims),
]
  .filter(Boolean)
  .join('\n\n');

const BROKER_LABEL: Record<BrokerChoice, string> = {
  medtwin: "medtwin's aedes as shipped, in a child process",
  'medtwin-in-process': "medtwin's aedes in the simulation's process, as `medtwin run` places it up to 4,000 devices",
  mosquitto: 'Eclipse Mosquitto in a child process (an external broker, as `medtwin run --broker URL` uses)',
};
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
process.stdout.write(
  `\nmedtwin fleet benchmark — ${new Date().toISOString()} — ${machine.cpus} cores (${machine.cpuModel}), ${machine.memGiB} GiB, Node ${machine.node}\n` +
    `broker: ${BROKER_LABEL[broker]}\n` +
    `device clients: ${links ?? `as \`medtwin run\` places them (a link thread from ${LINK_THREAD_THRESHOLD.toLocaleString('en')} devices)`}${only.has('proxy') ? '; the proxy pairs in-thread on both sides' : ''}\n` +
    `${only.has('proxy') ? `the proxy pairs' broker (both sides): ${BROKER_LABEL[proxyBroker]}\n` : ''}` +
    `load average (1/5/15 min) at start ${loadStart.map((l) => l.toFixed(1)).join('/')}, at end ${loadavg()
      .map((l) => l.toFixed(1))
      .join('/')}; ` +
    `total ${formatDuration(Math.round(performance.now() - benchStart))} wall\n\n${formatReport(records)}\n` +
    `${proxySection ? `\n${proxySection}\n` : ''}`,
);
if (args.json) {
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(
    args.json,
    `${JSON.stringify({ date: new Date().toISOString(), machine, loadStart, loadEnd: loadavg(), rows: records, proxySims }, null, 2)}\n`,
  );
}
process.exitCode = records.some((r) => r.error) || failures.length > 0 ? 1 : 0;
