import { writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from '../../core/errors.ts';
import { PROFILE_NAMES, type ProfileName } from '../../net/security/controls.ts';
import type { BrokerHandle } from '../../runtime/broker-host.ts';
import type { Counterfactual } from '../../runtime/counterfactual.ts';
import { type SeedSet, seedRange } from '../../runtime/seeds.ts';
import { connectProgress } from '../connect-progress.ts';
import { Interrupt } from '../interrupt.ts';
import type { MatrixRun } from '../matrix-table.ts';
import { parseProfile, parseSeeds } from '../options.ts';

interface MatrixCommandOptions {
  security: ProfileName[];
  seeds: SeedSet;
  json?: string;
  markdown?: string;
}

/** `--security open,baseline,hardened`: every named profile, in the order given, once each. */
function parseProfiles(value: string): ProfileName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new InvalidArgumentError(`expected profiles like "open,hardened" (${PROFILE_NAMES.join(', ')}), received "${value}"`);
  return [...new Set(names.map(parseProfile))];
}

export function registerMatrixCommand(program: Command): void {
  program
    .command('matrix')
    .description(
      'control efficacy matrix: run scenarios under several security profiles and seeds, and tabulate per attack how often it was prevented and detected, MTTD and clinical impact (beyond what the same seed and profile show with the attacks withheld) (exit 0 when all ran, 2 bad input, 3 environment)',
    )
    .argument('<scenarios...>', 'scenario files (YAML)')
    .addOption(
      new Option('--security <profiles>', `comma-separated security profiles (${PROFILE_NAMES.join(', ')})`)
        .argParser(parseProfiles)
        .default([...PROFILE_NAMES], PROFILE_NAMES.join(',')),
    )
    .addOption(
      new Option('--seeds <range>', 'seeds to run each scenario under ("1..10" or "3,5,8")')
        .argParser(parseSeeds)
        .default(seedRange(1, 1), '1'),
    )
    .option('--json <path>', 'also write the matrix as JSON')
    .option('--markdown <path>', 'also write the matrix as a Markdown table')
    .addHelpText(
      'after',
      `
Examples:
  medtwin matrix scenarios/attacks/forged-pause.yaml --security open,hardened --seeds 1..5
  medtwin matrix scenarios/attacks/*.yaml --security open,baseline,hardened --json out/matrix.json`,
    )
    .action(async (files: string[], options: MatrixCommandOptions) => {
      // Loaded here, not at the top: `medtwin --help` should not pay for the whole engine.
      const [
        { executeScenario },
        { loadPlans },
        { openBroker, placementFor },
        { preflight },
        { withProfile },
        { secureBrokerUrl },
        probe,
        table,
        seeds,
      ] = await Promise.all([
        import('../../runtime/execute.ts'),
        import('../load.ts'),
        import('../../runtime/broker-host.ts'),
        import('../preflight.ts'),
        import('../../net/security/profile-schema.ts'),
        import('../../runtime/run-security.ts'),
        import('../../runtime/attack-probe.ts'),
        import('../matrix-table.ts'),
        import('../../runtime/seeds.ts'),
      ]);
      // Bad files fail before anything runs, naming file:line:col as `run` does.
      const plans = await loadPlans(files);
      const seedsList = [...seeds.seedsOf(options.seeds)];
      const largest = Math.max(
        ...plans.map((p) => p.fleet.zones.reduce((n, z) => n + Object.values(z.devices).reduce((a, b) => a + b, 0), 0)),
      );
      preflight(largest, placementFor(largest));
      let broker: BrokerHandle | undefined;
      const interrupt = new Interrupt(async () => broker?.close()).install();
      const runs: MatrixRun[] = [];
      try {
        broker = await openBroker({ placement: placementFor(largest) });
        for (const base of plans) {
          const scenario = base.source ?? base.name;
          for (const profile of options.security) {
            // A scenario without attacks has nothing to tabulate: it is reported as such, not run.
            if (probe.attackEntries(base).length === 0) {
              for (const seed of seedsList) runs.push({ scenario, profile, seed, attacks: [] });
              continue;
            }
            const plan = { ...base, security: withProfile(base.security, profile) };
            for (const seed of seedsList) {
              if (interrupt.received) break;
              const watcher = new probe.AttackProbe(plan);
              let counterfactual: Counterfactual | undefined;
              const result = await executeScenario(plan, {
                mode: 'fast',
                seed,
                brokerUrl: secureBrokerUrl(plan, broker),
                onConnecting: connectProgress(),
                signal: interrupt.signal,
                onEvents: watcher.onEvents,
                // An impact is charged to the attack only beyond what the same seed shows without it.
                needsCounterfactual: (simulatedMs) => watcher.needsCounterfactual(simulatedMs),
                onCounterfactual: (run) => {
                  counterfactual = run;
                },
              });
              if (interrupt.received) break;
              runs.push({ scenario, profile, seed, attacks: watcher.finish(result.simulatedMs, counterfactual) });
              process.stderr.write(`ran ${scenario} under ${profile}, seed ${seed}\n`);
            }
          }
        }
      } finally {
        await broker?.close();
        interrupt.uninstall();
      }
      const matrix = table.buildMatrix(runs, options.security, seedsList);
      process.stdout.write(`${table.formatMatrixText(matrix)}\n`);
      process.stdout.write(
        "\nprevented: share of seeds where every launch achieved nothing (the `prevented` judgement); detected: share with an IDS alert by the attack's rules before the run ended; MTTD in simulated time over detected seeds; clinical impact: the attack's impact metrics (src/defense/impact) beyond what the same seed and profile show with the attacks withheld, mean per seed.\n",
      );
      if (options.json) await writeFile(options.json, `${JSON.stringify(matrix, null, 2)}\n`);
      if (options.markdown) await writeFile(options.markdown, `${table.formatMatrixMarkdown(matrix)}\n`);
      process.exitCode = interrupt.exitCode ?? EXIT.passed;
    });
}
