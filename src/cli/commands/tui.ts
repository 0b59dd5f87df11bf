import type { Command } from 'commander';
import { EXIT, MedtwinError } from '../../core/errors.ts';
import { PROFILE_NAMES, type ProfileName } from '../../net/security/controls.ts';
import { parsePort, parseProfile, parseSeed, parseSpeed } from '../options.ts';
import { DEFAULT_SCENARIO } from '../paths.ts';
import { parseBrokerUrl } from '../broker-url.ts';

interface TuiOptions {
  paused?: boolean;
  seed?: string;
  broker?: string;
  port?: number;
  speed?: number;
  security?: ProfileName;
}

export function registerTuiCommand(program: Command): void {
  program
    .command('tui')
    .description('open the terminal UI on a scenario (default: the built-in ward) with the embedded broker')
    .argument('[scenario]', 'scenario file (YAML)')
    .option('--seed <seed>', "override the scenario's seed", parseSeed)
    .option('--speed <factor>', 'starting speed (1, 10, 100); the UI changes it with keys 1-4', parseSpeed)
    .option(
      '--broker <url>',
      "use an existing MQTT broker (mqtt://host:port, or host:port) instead of the embedded one; not under a security profile, nor for a scenario with attacks (its intrusion detector taps only medtwin's own broker)",
      parseBrokerUrl,
    )
    .option('--port <port>', 'port of the embedded broker (default: a free port)', parsePort)
    .option('--paused', 'open at 00:00:00 and wait for space instead of starting at once')
    .option(
      '--security <profile>',
      `run under a security profile (${PROFILE_NAMES.join(', ')}) instead of the scenario's own (docs/security.md); the embedded broker applies it`,
      parseProfile,
    )
    .action(async (scenario: string | undefined, options: TuiOptions) => {
      await openTui(scenario ?? DEFAULT_SCENARIO, options);
    });
}

/** `medtwin` with no command, and `npm start`. */
export async function openDefaultTui(): Promise<void> {
  await openTui(DEFAULT_SCENARIO, {});
}

async function openTui(file: string, options: TuiOptions): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new MedtwinError(
      'E_NO_TTY',
      'the terminal UI needs an interactive terminal, and this is not one (CI, a pipe or a redirect).\n' +
        `For headless runs use: npx medtwin run ${file === DEFAULT_SCENARIO ? 'scenarios/ward.yaml' : file} --reporter list\n` +
        'See npx medtwin run --help.',
      { exitCode: EXIT.badInput },
    );
  }
  const [
    { loadPlans },
    { Run },
    { DEFAULT_DEPENDENCIES },
    { preflight },
    { probeBroker },
    { placementFor },
    { withProfile },
    { externalBrokerRefusal },
  ] = await Promise.all([
    import('../load.ts'),
    import('../../runtime/run.ts'),
    import('../../runtime/defaults.ts'),
    import('../preflight.ts'),
    import('../../net/broker-probe.ts'),
    import('../../runtime/broker-host.ts'),
    import('../../net/security/profile-schema.ts'),
    import('../../runtime/broker-fit.ts'),
  ]);
  const [loaded] = await loadPlans([file]);
  // As `medtwin run --security`: the profile replaces the scenario's controls and keeps the rest of its security.
  const plan = options.security === undefined ? loaded : { ...loaded!, security: withProfile(loaded!.security, options.security) };
  if (options.broker) {
    const refusal = externalBrokerRefusal(plan!, options.broker);
    if (refusal !== undefined) throw refusal;
  }
  // As `medtwin run` does: a fleet this machine cannot hold, or a broker that does not answer, is said
  // (exit 3) before the screen is taken over, not as a frozen fleet inside it.
  const devices = plan!.fleet.zones.reduce((n, z) => n + Object.values(z.devices).reduce((a, b) => a + b, 0), 0);
  preflight(devices, options.broker ? 'external' : placementFor(devices));
  if (options.broker) await probeBroker(options.broker);
  const build = (seed: string | undefined) =>
    new Run(plan!, DEFAULT_DEPENDENCIES, {
      seed,
      mode: 'realtime',
      speed: options.speed ?? 1,
      brokerUrl: options.broker,
      port: options.port,
    });
  const { startTui } = await import('../../tui/index.tsx');
  // The ward starts moving at once: a newcomer sees a live fleet, and space pauses it. r / R build it again.
  await startTui(build(options.seed), { noColor: Boolean(process.env.NO_COLOR), autoStart: !options.paused, restart: build });
}
