/**
 * What a security profile costs a real run: the same generated ward fleet (bench/plans.ts) run in
 * fast mode under `open` and under `hardened` (credentials, ACLs, TLS with a client certificate per
 * device, signed commands), in the same process one after the other. Prints, per profile: where the
 * broker ran; the time to make the TLS material (the run CA, and under mutual TLS a certificate per
 * identity); the time to connect (start the broker — a child process above 4,000 devices, given the
 * credential hashes first — and connect every client); the time to run; and the CPU per telemetry
 * message of this process and of the broker's child process together. A profile written
 * `<profile>+proxy` runs with the run's fault proxies in the path and no fault active (every device
 * through its zone's listener, the twin through its own: bench/fleet-row.ts withProxies), so under TLS
 * the proxies terminate it (docs/network.md#under-a-security-profile). A figure-printing benchmark,
 * not a test.
 *
 *   node --import tsx bench/security-run.ts [devices=1000] [simulated minutes=5] [profiles=open,hardened]
 *   node --import tsx bench/security-run.ts 100 5 open,open+proxy,hardened,hardened+proxy
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ProfileName } from '../src/net/security/controls.ts';
import { resolveSecurity } from '../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import { withProxies } from './fleet-row.ts';
import { benchPlan } from './plans.ts';

const devices = Number(process.argv[2] ?? 1000);
const minutes = Number(process.argv[3] ?? 5);
const profiles = (process.argv[4] ?? 'open,hardened').split(',');

/** Clock ticks per second of /proc's utime and stime (getconf CLK_TCK; 100 on Linux). */
const TICKS_PER_S = 100;

interface Row {
  profile: string;
  broker: string;
  tlsMaterialS: number;
  connectS: number;
  runS: number;
  messages: number;
  cpuUsPerMessage: number;
  ok: boolean;
}

/** CPU time (µs) of this process's child processes (the broker child), from /proc. */
function childrenCpuUs(): number {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state, ppid, ... utime is field 14 of the whole line, stime 15 (proc(5)).
      if (Number(fields[1]) !== process.pid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return (ticks / TICKS_PER_S) * 1e6;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

async function row(name: string): Promise<Row> {
  const [profile, proxy] = name.split('+') as [ProfileName, string | undefined];
  const bare = benchPlan(devices, 'ward', minutes * 60_000);
  const plan = { ...(proxy === 'proxy' ? withProxies(bare) : bare), security: resolveSecurity({ profile }) };
  const run = new Run(plan, DEFAULT_DEPENDENCIES);
  const t0 = performance.now();
  // The TLS material first (open() finds it made): certificate issuance apart from connecting.
  await run.security?.prepare();
  const t1 = performance.now();
  await run.open();
  const t2 = performance.now();
  const cpu0 = process.cpuUsage();
  const children0 = childrenCpuUs();
  await run.runToEnd();
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const childrenUs = childrenCpuUs() - children0;
  const result = run.result();
  await run.close();
  const messages = result.delivery.published;
  return {
    profile: name,
    broker: result.broker.placement,
    tlsMaterialS: seconds(t1 - t0),
    connectS: seconds(t2 - t1),
    runS: seconds(t3 - t2),
    messages,
    cpuUsPerMessage: Math.round(((cpu.user + cpu.system + childrenUs) / messages) * 10) / 10,
    ok: result.ok,
  };
}

const rows: Row[] = [];
for (const profile of profiles) rows.push(await row(profile));
console.log(`${devices} devices, ${minutes} simulated min, fast mode; CPU is this process's and its broker child's`);
console.table(rows);
