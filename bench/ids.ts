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
import { ATTACKS, ATTACK_NAMES, type AttackName } from '../src/defense/attacks/registry.ts';
import type { ProfileName } from '../src/net/security/controls.ts';
import { resolveSecurity } from '../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import { parseTimeline } from '../test/helpers/network-plans.ts';
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
  // The attack is a timeline entry, carried out by the run's own adversary (run-attacks.ts): the same
  // path a scenario takes — the run CA trusted, the foothold a stolen password or a compromised device
  // gives it, a flood counted in by the broker before time moves on.
  const timeline =
    attack === undefined ? [] : parseTimeline([{ at: `${AT / 1000}s`, fault: attack, target: { device: targetOf(attack) } }]);
  const plan = smallWard({
    seed,
    durationMs: 6 * MIN,
    timeline,
    ...(profile === 'open' ? {} : { security: resolveSecurity({ profile }) }),
  });
  const run = new Run(plan, DEFAULT_DEPENDENCIES, { port: 0, ids: true });
  const events: LoggedEvent[] = [];
  run.on('events', (batch) => events.push(...batch));
  try {
    await run.open();
    await run.runToEnd();
  } finally {
    await run.close();
  }
  const alerts = events.filter((e) => e.type === 'ids.alert');
  const expected = attack === undefined ? [] : (ATTACKS[attack].detectedBy as readonly string[]);
  const hit = alerts.find((a) => a.t >= AT && expected.includes(a.data.rule as string));
  return {
    session: events.some((e) => e.type === 'attack.connect' && e.data.outcome === 'accepted'),
    detected: hit !== undefined,
    mttdS: hit === undefined ? null : (hit.t - AT) / 1000,
    alertsAboveLow: alerts.filter((a) => a.data.severity !== 'low').length,
  };
}

/** The small ward's ICU device each attack aims at. */
function targetOf(attack: AttackName): string {
  if (attack === 'attack.alarm-limits-disabled' || attack === 'attack.spoofed-normal-spo2') return 'patient-monitor-001';
  if (attack === 'attack.spoofed-low-glucose') return 'cgm-001';
  return 'infusion-pump-001';
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
