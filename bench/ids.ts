/**
 * The IDS benchmark (`npm run bench:ids`): every attack of the catalogue launched by a real adversary
 * against a real run (a small ward, fast mode, the IDS on) at 2 minutes, under `open` and `hardened`,
 * over seeds; plus clean runs of the same ward. Prints, per attack and profile, how often the
 * adversary got a session, how often the IDS rules the catalogue names fired (detection rate) and
 * the time to detection; and per profile the alerts above `low` on the clean ward (false alerts).
 * A benchmark, not a test: it asserts nothing.
 *
 *   npm run bench:ids                      # seeds 1..3
 *   npm run bench:ids -- --seeds 20 --attack attack.forged-bolus --profile open
 */
import { parseArgs } from 'node:util';
import type { LoggedEvent } from '../src/core/event-log.ts';
import { Adversary } from '../src/defense/adversary/adversary.ts';
import type { AttackTarget } from '../src/defense/attacks/attack.ts';
import { publishedImage } from '../src/net/security/firmware/ota-offer.ts';
import { ATTACKS, ATTACK_NAMES, type AttackName } from '../src/defense/attacks/registry.ts';
import type { ProfileName } from '../src/net/security/controls.ts';
import { resolveSecurity } from '../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import { smallWard } from '../test/helpers/plans.ts';

const MIN = 60_000;
const AT = 2 * MIN;
const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '3' },
    attack: { type: 'string', multiple: true, default: [] },
    profile: { type: 'string', multiple: true, default: ['open', 'hardened'] },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write('npm run bench:ids -- [--seeds N] [--attack NAME]... [--profile open|baseline|hardened]...\n');
  process.exit(0);
}
const seeds = Number(args.seeds);
if (!Number.isInteger(seeds) || seeds < 1) {
  process.stderr.write(`--seeds: expected a whole number of seeds, at least 1, received ${JSON.stringify(args.seeds)}\n`);
  process.exit(2);
}
for (const name of args.attack) {
  if (!ATTACK_NAMES.includes(name as AttackName)) {
    process.stderr.write(`--attack: unknown attack ${JSON.stringify(name)} (known: ${ATTACK_NAMES.join(', ')})\n`);
    process.exit(2);
  }
}
const attacks = (args.attack.length > 0 ? args.attack : ATTACK_NAMES) as AttackName[];
const profiles = args.profile as ProfileName[];

interface Outcome {
  session: boolean;
  detected: boolean;
  mttdS: number | null;
  alertsAboveLow: number;
}

/** One run of the ward; with `attack`, the adversary strikes at 2 minutes while the run is paused there. */
async function runOnce(profile: ProfileName, seed: number, attack?: AttackName): Promise<Outcome> {
  const plan = smallWard({ seed, durationMs: 6 * MIN, ...(profile === 'open' ? {} : { security: resolveSecurity({ profile }) }) });
  const run = new Run(plan, DEFAULT_DEPENDENCIES, { port: 0, ids: true });
  const events: LoggedEvent[] = [];
  run.on('events', (batch) => events.push(...batch));
  let session = false;
  try {
    await run.open();
    const done = run.runToEnd();
    if (attack !== undefined) {
      run.step(AT);
      while (!(run.paused && run.phase === 'paused')) await new Promise((r) => setTimeout(r, 5));
      // The run CA's certificate is no secret (anyone on the network sees it in a handshake): the adversary
      // trusts it, so only what really needs a secret — a password, a client certificate — stops it.
      const tls = run.security?.endpointFor({ role: 'adversary' }, { url: run.brokerUrl!, identity: { clientId: 'adversary' } }).tls;
      const adversary = new Adversary({ url: run.brokerUrl!, now: () => run.clock.now(), ...(tls?.ca ? { extra: { ca: tls.ca } } : {}) });
      const definition = ATTACKS[attack];
      const attackRun = await definition.execute(
        {
          adversary,
          target: targetFor(run, attack),
          twinClientId: twinIdOf(run),
          vendorImage: (kind, version) => publishedImage(seed, kind, version),
        },
        definition.params.parse({}) as never,
      );
      session = attackRun.sessions.length > 0;
      // Let what it sent cross the broker, then leave.
      await new Promise((r) => setTimeout(r, 50));
      await adversary.close();
      run.resume();
    }
    await done;
  } finally {
    await run.close();
  }
  const alerts = events.filter((e) => e.type === 'ids.alert');
  const expected = attack === undefined ? [] : (ATTACKS[attack].detectedBy as readonly string[]);
  const hit = alerts.find((a) => a.t >= AT && expected.includes(a.data.rule as string));
  return {
    session,
    detected: hit !== undefined,
    mttdS: hit === undefined ? null : (hit.t - AT) / 1000,
    alertsAboveLow: alerts.filter((a) => a.data.severity !== 'low').length,
  };
}

function targetFor(run: Run, attack: AttackName): AttackTarget {
  const kind =
    attack === 'attack.alarm-limits-disabled' ? 'patient-monitor' : attack === 'attack.spoofed-low-glucose' ? 'cgm' : 'infusion-pump';
  const device = run.fleetPlan.devices.find((d) => d.kind === kind && d.zone === 'icu')!;
  const target: AttackTarget = { site: run.fleetPlan.site, zone: device.zone, kind, deviceId: device.id, clientId: `medtwin-${device.id}` };
  if (attack !== 'attack.stolen-operator-password') return target;
  // The stolen password: the ICU clinician console's, as the run derived it (any password under open).
  const console = run.security?.identities.console('clinician', 'icu');
  const clientId = console?.clientId ?? 'medtwin-console-clinician-icu';
  return { ...target, foothold: { clientId, username: clientId, password: console?.password.reveal() ?? 'stolen' } };
}

function twinIdOf(run: Run): string {
  return run.security?.active ? 'medtwin-twin' : `medtwin-twin-${run.seed}`.slice(0, 60);
}

function median(values: number[]): string {
  if (values.length === 0) return '—';
  const sorted = [...values].sort((a, b) => a - b);
  return String(sorted[Math.floor((sorted.length - 1) / 2)]);
}

const rows: string[][] = [['attack', 'profile', 'adversary connected', 'detected', 'MTTD p50 (s)']];
for (const attack of attacks) {
  for (const profile of profiles) {
    const outcomes: Outcome[] = [];
    for (let seed = 1; seed <= seeds; seed++) outcomes.push(await runOnce(profile, seed, attack));
    const detected = outcomes.filter((o) => o.detected);
    rows.push([
      attack,
      profile,
      `${outcomes.filter((o) => o.session).length}/${seeds}`,
      `${detected.length}/${seeds}`,
      median(detected.flatMap((o) => (o.mttdS === null ? [] : [o.mttdS]))),
    ]);
  }
}
const clean: string[][] = [['clean ward', 'profile', 'runs with an alert above low', 'alerts above low']];
for (const profile of profiles) {
  const outcomes: Outcome[] = [];
  for (let seed = 1; seed <= seeds; seed++) outcomes.push(await runOnce(profile, seed));
  clean.push([
    'small-ward 6 min',
    profile,
    `${outcomes.filter((o) => o.alertsAboveLow > 0).length}/${seeds}`,
    String(outcomes.reduce((n, o) => n + o.alertsAboveLow, 0)),
  ]);
}
const print = (table: string[][]) => {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
  process.stdout.write('\n');
};
print(rows);
print(clean);
