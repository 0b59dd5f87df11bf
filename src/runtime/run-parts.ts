import type { LoggedEvent } from '../core/event-log.ts';
import type { RunDependencies } from './fleet-builder.ts';
import { Pacer } from './pacer.ts';
import { schedulePlanEvents } from './plan-events.ts';
import { Referee } from './referee.ts';
import { RunControls } from './run-controls.ts';
import type { RunCore } from './run-core.ts';
import { RunFleet } from './run-fleet.ts';
import { RunLoop } from './run-loop.ts';
import { defaultSyncMs, type RunOptions } from './run-options.ts';
import { LedgerSettler } from './settle.ts';
import { Timeline } from './timeline.ts';
import { openTransport, type Transport } from './transport.ts';

/** The parts of one run, wired to each other over the run's core (see buildRunParts). */
export interface RunParts {
  core: RunCore;
  deps: RunDependencies;
  options: RunOptions;
  pacer: Pacer;
  fleet: RunFleet;
  controls: RunControls;
  settler: LedgerSettler;
  loop: RunLoop;
  timeline: Timeline;
  referee: Referee;
  /** Fast mode's settle window, ms: RunOptions.syncMs, or the default for this fleet (defaultSyncMs). */
  syncMs: number;
}

/** What the parts tell the one who drives them (the Run facade). */
export interface RunPartsHooks {
  /** The loop's phase or clock moved. */
  status(): void;
  /** A batch of the log was sealed (before the referee judges it). */
  events(batch: LoggedEvent[]): void;
}

/**
 * Builds the parts of a run over its core and wires each to the others: the fleet, the controls in
 * front of it (which settle through the settler), the settler over the ledger (excusing what the
 * controls' faults hold, waiting on their sessions), the loop (the pacer's windows; the controls'
 * alerts sealed before the log; `run.finished` at the end), the timeline (the controls' faults and
 * targets) and the referee. Nothing is opened: see openRunTransport, bootRun and closeRun.
 */
export function buildRunParts(core: RunCore, deps: RunDependencies, options: RunOptions, hooks: RunPartsHooks): RunParts {
  const { clock, log } = core;
  const stallMs = options.settleTimeoutMs ?? 10_000;
  const pacer = new Pacer({
    speed: core.mode === 'fast' ? 'max' : (options.speed ?? 1),
    simNow: () => clock.now(),
    maxSliceMs: options.syncMs,
  });
  const fleet = new RunFleet({ ...core, deps, speed: pacer.speed });
  let settler: LedgerSettler | undefined;
  const controls = new RunControls({
    ...core,
    fleet,
    ...(options.ids === undefined ? {} : { ids: options.ids }),
    ...(options.withholdAttacks ? { withholdAttacks: true } : {}),
    ...(options.proxyUpstream === undefined ? {} : { proxyUpstream: options.proxyUpstream }),
    stallMs,
    settle: async () => {
      await settler?.settle();
    },
    notify: () => settler?.barrier.notify(),
    // Fast mode, or realtime with the pacer at 'max' (RunLoop settles each such window).
    windowed: () => !pacer.realtime,
  });
  settler = new LedgerSettler(core.ledger, {
    stallMs,
    telemetryPerSecond: fleet.telemetryPerSecond,
    ...(controls.excused ? { excused: controls.excused } : {}),
    ...(controls.sessions ? { sessions: controls.sessions } : {}),
  });
  const settle = settler;
  const syncMs = options.syncMs ?? defaultSyncMs(fleet.telemetryPerSecond);
  const loop = new RunLoop({
    clock,
    pacer,
    mode: core.mode,
    durationMs: core.durationMs,
    syncMs: () => syncMs,
    settle: () => settle.settle(),
    catchUp: (sliceMs) => settle.catchUp(sliceMs),
    check: () => fleet.twin.check(),
    seal: (t) => {
      controls.seal(t);
      log.seal(t);
      // The transport settled before the seal: what the twin has not taken by now it parses, if it comes.
      fleet.sent.clear();
    },
    finish: () => log.record({ t: clock.now(), source: 'runner', type: 'run.finished', data: { simulatedMs: clock.now() } }),
    status: hooks.status,
    atInstant: () => controls.atInstant(),
    beforeInstant: (due) => controls.beforeInstant(due),
  });
  log.subscribe((batch) => hooks.events(batch as LoggedEvent[]));
  const timeline = new Timeline({
    clock,
    log,
    rng: core.rng.fork('timeline'),
    agents: fleet.agents,
    tagsOf: fleet.tagsOf,
    faults: controls.faults,
    entries: core.plan.timeline ?? [],
    durationMs: core.durationMs,
    context: { clock, log },
    subscribe: (listener) => log.onRecord(listener),
    ...(controls.targets ? { targets: controls.targets } : {}),
  });
  const referee = new Referee(core.plan, fleet.plan, core.seed, log);
  return { core, deps, options, pacer, fleet, controls, settler, loop, timeline, referee, syncMs };
}

/**
 * Opens the run's transport behind its controls: the security profile's material first (the
 * embedded broker installs its hooks), then the broker and the clients' links. The caller keeps the
 * transport before booting, so closeRun closes it whatever fails next.
 * `onLinkFailure`: the link thread died and no device can publish any more.
 */
export async function openRunTransport(parts: RunParts, onLinkFailure: (error: Error) => void): Promise<Transport> {
  const { options, controls } = parts;
  const brokerSecurity = await controls.prepare(options.brokerUrl, options.brokerPlacement);
  const transport = await openTransport(
    options,
    parts.fleet.agents.length,
    parts.deps,
    onLinkFailure,
    brokerSecurity,
    controls.brokerNeeds,
    controls.onSimulationClock,
  );
  return transport;
}

/** How the booting run reports progress and sends its commands. */
export interface BootHooks {
  /** Devices connected so far (a large fleet takes seconds). */
  connecting(connected: number): void;
  /** Sends a command as the run does (Run.command: through the twin, counted, settled). */
  command(deviceId: string, body: Record<string, unknown>): void;
}

/**
 * Opens the controls that need a running broker (receipts, the detector's tap, the network's
 * listeners), connects the twin and every device (as the controls route and secure them) and the
 * operator consoles, then boots at t=0: `run.started`, every device, the timeline, the plan's commands
 * and clinical events, the patch campaigns.
 */
export async function bootRun(parts: RunParts, transport: Transport, hooks: BootHooks): Promise<void> {
  const { core, options, fleet, controls } = parts;
  await controls.open(transport.broker);
  const connectOptions = controls.connectOptions(options.connectOptionsFor);
  const links = controls.links(transport);
  await fleet.connect(transport.broker.url, links, connectOptions, hooks.connecting);
  await controls.connectConsoles(transport.broker.url, links);
  fleet.start();
  parts.timeline.start();
  schedulePlanEvents({
    plan: core.plan,
    clock: core.clock,
    log: core.log,
    rng: core.rng,
    agents: fleet.agents,
    patients: fleet.patients,
    tagsOf: fleet.tagsOf,
    command: hooks.command,
  });
  controls.startCampaigns(hooks.command);
}

/**
 * Closes the run in the order its parts need: the devices, then the adversaries (none acts on a
 * half-closed run), then the twin, then the controls' consoles and listeners, then the transport.
 */
export async function closeRun(parts: RunParts, transport: Transport | undefined): Promise<void> {
  await parts.fleet.stopDevices();
  await parts.controls.closeAdversaries();
  await parts.fleet.twin.close();
  await parts.controls.close();
  await transport?.close();
}
