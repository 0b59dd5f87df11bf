import type { Command } from 'commander';
import { EXIT, InputError } from '../../core/errors.ts';
import type { BrokerHandle } from '../../runtime/broker-host.ts';
import type { ExecuteOptions } from '../../runtime/execute.ts';
import type { SeedSet } from '../../runtime/seeds.ts';
import { parseBrokerUrl } from '../broker-url.ts';
import { connectProgress } from '../connect-progress.ts';
import { Interrupt } from '../interrupt.ts';
import { PROFILE_NAMES, type ProfileName } from '../../net/security/controls.ts';
import { parsePersistence, type PersistenceChoice } from '../../net/broker-persistence.ts';
import {
  collect,
  parseDurationOption,
  parsePort,
  parsePositiveDurationOption,
  parseProfile,
  parseSeed,
  parseSeeds,
  parseSpeed,
} from '../options.ts';

interface RunCommandOptions {
  seed?: string;
  seeds?: SeedSet;
  duration?: number;
  fast?: boolean;
  realtime?: boolean;
  speed?: number;
  broker?: string;
  port?: number;
  reporter?: string[];
  sync?: number;
  color?: boolean;
  security?: ProfileName;
  researchExport?: string;
  persistence?: PersistenceChoice;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run scenarios headless and judge their expectations (exit 0 all met, 1 some failed, 2 bad input, 3 environment; docs/ci.md)',
    )
    .argument('<scenarios...>', 'scenario files (YAML)')
    .option('--seed <seed>', "override the scenario's seed", parseSeed)
    .option('--seeds <range>', 'run every seed in a range ("1..100") or list ("3,5,8") as a Monte Carlo study', parseSeeds)
    .option('--duration <duration>', "override the scenario's duration (e.g. 6h, 30m)", parseDurationOption)
    .option('--fast', 'virtual time, as fast as the transport settles (default)')
    .option('--realtime', 'pace simulation time by the wall clock (see --speed); the summary says if the machine could not keep that pace')
    .option('--speed <factor>', 'realtime speed factor, e.g. 10 for ten times faster than life', parseSpeed)
    .option(
      '--broker <url>',
      "use an existing MQTT broker (mqtt://host:port, or host:port) instead of the embedded one; refused (exit 2) for a run that needs medtwin's own: under a security profile, or with the intrusion detector (on when the timeline has an attack)",
      parseBrokerUrl,
    )
    .option('--port <port>', 'port of the embedded broker (default: a free port)', parsePort)
    .option(
      '--reporter <name[:path]>',
      'list, json, junit, markdown, html, events (the event log as JSON Lines) or dataset (labelled MQTT packets, dataset:DIR); repeatable, e.g. --reporter junit:out/junit.xml',
      collect,
    )
    .option(
      '--sync <duration>',
      'fast-mode settle window (default: room for about 2,400 telemetry messages, 5s to 60s): the transport settles at least this often; verdicts and digests do not depend on it',
      parsePositiveDurationOption,
    )
    .option(
      '--security <profile>',
      `run under a security profile (${PROFILE_NAMES.join(', ')}) instead of the scenario's own (docs/security.md); each run's own embedded broker applies it`,
      parseProfile,
    )
    .option(
      '--research-export <path>',
      "write the research export — the consenting patients' telemetry under pseudonyms, as JSON Lines — to a file (needs the consent control: --security baseline or hardened; docs/security.md#data-governance)",
    )
    .option(
      '--persistence <store>',
      "where each run's own embedded broker keeps sessions, QoS 1 queues and retained messages: memory (default) or redis://host[:port][/db][?prefix=p:] (under a key prefix of the run's own, deleted at its end; docs/network.md#broker-restart-and-persistence)",
      (value: string) => parsePersistence(value),
    )
    .option('--no-color', 'plain console output (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  medtwin run scenarios/ward.yaml
  medtwin run scenarios/*.yaml --reporter list --reporter junit:out/junit.xml --reporter html:out/report.html
  medtwin run scenarios/cgm-drift.yaml --seeds 1..100 --reporter json:out/study.json
  medtwin run scenarios/ward.yaml --realtime --speed 10 --port 1883
  medtwin run scenarios/insulin-safety.yaml --security hardened
  medtwin run scenarios/ward.yaml --security baseline --research-export out/research.jsonl
  medtwin run scenarios/ward.yaml --broker mqtt://127.0.0.1:1883
  medtwin run scenarios/ward.yaml --persistence redis://127.0.0.1:6379`,
    )
    .action(async (files: string[], options: RunCommandOptions) => {
      if (options.fast && options.realtime) throw new InputError('E_FLAGS', 'choose one of --fast or --realtime, not both');
      if (options.speed !== undefined && !options.realtime)
        throw new InputError('E_FLAGS', '--speed applies to --realtime runs; add --realtime (fast mode runs as fast as it can)');
      if (options.seed !== undefined && options.seeds !== undefined)
        throw new InputError('E_FLAGS', 'choose one of --seed or --seeds, not both');
      if (options.broker !== undefined && options.port !== undefined)
        throw new InputError('E_FLAGS', "--port sets the embedded broker's port; it cannot be combined with --broker");
      if (options.broker !== undefined && options.persistence !== undefined)
        throw new InputError(
          'E_FLAGS',
          "--persistence chooses the store of medtwin's own embedded broker; an external broker (--broker) keeps its own: drop one of them",
        );
      // Loaded here, not at the top: `medtwin --help` should not pay for the whole engine.
      const [
        { createReporters },
        { executeScenario },
        { runStudy },
        { loadPlans, InvalidScenarios },
        { openBroker, placementFor },
        { preflight },
        { probeBroker },
        { checkDurationOverride },
        { withProfile },
        { secureBrokerUrl },
        { externalBrokerRefusal },
      ] = await Promise.all([
        import('../../report/index.ts'),
        import('../../runtime/execute.ts'),
        import('../../runtime/study.ts'),
        import('../load.ts'),
        import('../../runtime/broker-host.ts'),
        import('../preflight.ts'),
        import('../../net/broker-probe.ts'),
        import('../../scenario/duration-override.ts'),
        import('../../net/security/profile-schema.ts'),
        import('../../runtime/run-security.ts'),
        import('../../runtime/broker-fit.ts'),
      ]);
      const reporter = createReporters(options.reporter?.length ? options.reporter : ['list'], {
        color: options.color === false ? false : undefined,
      });
      const wantsDataset = (options.reporter ?? []).some((spec) => spec.split(':')[0]!.trim() === 'dataset');
      if (wantsDataset && options.broker !== undefined)
        throw new InputError(
          'E_DATASET_RUN',
          '--reporter dataset: taps the traffic of medtwin’s own embedded broker, not an external one; drop --broker',
        );
      const plans = await loadPlans(files).catch(async (error: unknown) => {
        // CI should see a red test for a file that does not validate, not "no test report found".
        if (error instanceof InvalidScenarios) {
          for (const { file, diagnostics } of error.files) reporter.onInvalidFile?.({ file, problems: diagnostics });
          await reporter.onEnd?.();
        }
        throw error;
      });
      if (options.duration !== undefined) for (const plan of plans) checkDurationOverride(plan, options.duration);
      if (options.security !== undefined) {
        const profile = options.security;
        for (const [i, plan] of plans.entries()) plans[i] = { ...plan, security: withProfile(plan.security, profile) };
      }
      if (options.researchExport !== undefined) {
        if (options.seeds !== undefined || plans.length !== 1)
          throw new InputError('E_FLAGS', '--research-export writes one run: give one scenario, and --seed N rather than --seeds');
        if (plans[0]!.security?.controls.consent !== true)
          throw new InputError(
            'E_RESEARCH_EXPORT',
            `--research-export: the research export is gated by the consent control, which ${plans[0]!.name} does not have: add --security baseline or hardened, or set security.controls.consent in the scenario`,
          );
      }
      // Every scenario checked against --broker before the first one runs, by file.
      if (options.broker !== undefined)
        for (const plan of plans) {
          const refusal = externalBrokerRefusal(plan, options.broker);
          if (refusal !== undefined) throw refusal;
        }
      // One broker for the whole invocation: a 100-seed study must not start 100 brokers.
      const largest = Math.max(
        ...plans.map((p) => p.fleet.zones.reduce((n, z) => n + Object.values(z.devices).reduce((a, b) => a + b, 0), 0)),
      );
      // Before anything connects: a fleet this machine cannot hold, or a broker that does not answer,
      // is an environment problem (exit 3), said now rather than minutes into the run.
      preflight(largest, options.broker ? 'external' : placementFor(largest));
      if (options.broker) await probeBroker(options.broker);
      let broker: BrokerHandle | undefined;
      const interrupt = new Interrupt(async () => broker?.close()).install();
      let ok = true;
      try {
        broker = await openBroker({ url: options.broker, port: options.port, placement: placementFor(largest) });
        const common: ExecuteOptions = {
          durationMs: options.duration,
          mode: options.realtime ? 'realtime' : 'fast',
          speed: options.speed,
          syncMs: options.sync,
          onStatus: (status) => reporter.onProgress?.(status),
          onConnecting: connectProgress(),
          signal: interrupt.signal,
          onEvents: (batch) => reporter.onEvents?.(batch),
          ...(wantsDataset ? { onDataset: (dataset) => reporter.onDataset?.(dataset) } : {}),
          ...(options.persistence ? { persistence: options.persistence } : {}),
        };
        for (const plan of plans) {
          if (interrupt.received) break;
          if (options.seeds) {
            // The study keeps a summary per seed; each seed's whole result goes to the reporters as it ends.
            const study = await runStudy(plan, {
              ...common,
              seeds: options.seeds,
              broker,
              // The dataset taps each seed's broker: every seed gets its own in-process one (one file pair per seed).
              // So does a broker with a persistence: each seed's run opens its own with it.
              ownBroker: wantsDataset || options.persistence !== undefined,
              onBegin: (info, study) => reporter.onBegin?.({ ...info, study }),
              onRunEnd: (result) => reporter.onRunEnd?.(result),
            });
            ok &&= study.ok;
            await reporter.onStudyEnd?.(study);
            continue;
          }
          let result = await executeScenario(plan, {
            ...common,
            seed: options.seed ?? String(plan.seed),
            // The dataset taps the broker, so the run gets its own in-process one (as an IDS run does).
            // So does a broker with a persistence (--persistence): the run opens its own with it.
            brokerUrl: (wantsDataset || options.persistence !== undefined) && broker.embedded ? undefined : secureBrokerUrl(plan, broker),
            onBegin: (info) => reporter.onBegin?.(info),
            ...(options.researchExport === undefined ? {} : { researchExport: options.researchExport }),
          });
          if (interrupt.received) result = { ...result, ok: false, interrupted: { signal: interrupt.received } };
          // The run was handed this invocation's broker by URL; it is still medtwin's embedded one.
          if (broker.embedded) result.broker = { ...result.broker, placement: broker.placement };
          ok &&= result.ok;
          await reporter.onRunEnd?.(result);
        }
      } finally {
        await broker?.close();
        await reporter.onEnd?.();
        interrupt.uninstall();
      }
      process.exitCode = interrupt.exitCode ?? (ok ? EXIT.passed : EXIT.failed);
    });
}
