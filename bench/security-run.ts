/**
 * What a security profile costs a real run: the same generated ward fleet (bench/plans.ts) run in
 * fast mode under `open` and under `hardened` (credentials, ACLs, TLS with a client certificate per
 * device, signed commands), in the same process one after the other. Prints, per profile: the time to
 * open the run (CA and certificates, broker, every client connected), the time to run it, and the
 * process CPU per telemetry message. A figure-printing benchmark, not a test.
 *
 *   node --import tsx bench/security-run.ts [devices=1000] [simulated minutes=5]
 */
import { resolveSecurity } from '../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import { benchPlan } from './plans.ts';

const devices = Number(process.argv[2] ?? 1000);
const minutes = Number(process.argv[3] ?? 5);

interface Row {
  profile: string;
  openMs: number;
  runMs: number;
  messages: number;
  cpuUsPerMessage: number;
  ok: boolean;
}

async function row(profile: 'open' | 'hardened'): Promise<Row> {
  const plan = { ...benchPlan(devices, 'ward', minutes * 60_000), security: resolveSecurity({ profile }) };
  const run = new Run(plan, DEFAULT_DEPENDENCIES);
  const t0 = performance.now();
  await run.open();
  const openMs = performance.now() - t0;
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  await run.runToEnd();
  const runMs = performance.now() - t1;
  const cpu = process.cpuUsage(cpu0);
  const result = run.result();
  await run.close();
  const messages = result.delivery.published;
  return {
    profile,
    openMs: Math.round(openMs),
    runMs: Math.round(runMs),
    messages,
    cpuUsPerMessage: Math.round(((cpu.user + cpu.system) / messages) * 10) / 10,
    ok: result.ok,
  };
}

const rows: Row[] = [];
for (const profile of ['open', 'hardened'] as const) rows.push(await row(profile));
console.log(`${devices} devices, ${minutes} simulated min, fast mode, one process (broker, clients, simulation)`);
console.table(rows);
