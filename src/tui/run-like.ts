import type { AlarmInfo } from '../../devices/descriptor.ts';
import type { LoggedEvent } from '../core/event-log.ts';
import type { FaultSurface } from '../fleet/fault-surface.ts';
import type { Shadow } from '../fleet/twin.ts';
import type { AnyFaultDefinition } from '../inject/fault.ts';
import type { MeasuredValues, SignalValues } from '../physiology/signals.ts';
import type { LinkEndpoint } from '../net/device-link.ts';
import type { DeviceAddress } from '../net/topics.ts';
import type { ExpectationResult, InjectionRecord, RunResult } from '../scenario/result.ts';
import type { RunStatus } from '../runtime/run.ts';
import type { Plan } from '../scenario/plan.ts';
import type { TargetSelector } from '../scenario/schema.ts';
import type { z } from 'zod';

/**
 * What the TUI reads of a device agent. `DeviceAgent` satisfies it; it is a FaultSurface so the inject
 * menu can ask a fault whether it applies to the device.
 */
export interface TuiAgent extends FaultSurface {
  readonly stateLabel: string;
  readonly activeAlarms: readonly AlarmInfo[];
  readonly lastTruth: SignalValues;
  readonly lastMeasured: MeasuredValues;
  readonly descriptor: {
    readonly title: string;
    readonly telemetryPeriodMs: number;
    /** The zod schema of the kind's commands: the command console builds its form from it. */
    readonly commandSchema: z.ZodType;
  };
  /** Where the device publishes (the traffic view subscribes to its topics). */
  readonly address?: DeviceAddress;
}

/** What the TUI shows of a twin shadow; `implausible` lists failing plausibility checks when the twin has them. */
export type ShadowView = Pick<
  Shadow,
  'online' | 'stale' | 'diverged' | 'desired' | 'reported' | 'delta' | 'version' | 'lastSeen' | 'missingTelemetry'
> & {
  readonly implausible?: ReadonlySet<string>;
};

/** What the inject menu needs of a registered fault. */
export type FaultInfo = Pick<
  AnyFaultDefinition,
  'name' | 'category' | 'summary' | 'params' | 'instant' | 'incompatibility' | 'resolveParams'
> &
  Partial<Pick<AnyFaultDefinition, 'targets'>>;

/** The fault registry as the run exposes it: a typed map (`FAULTS`) or a Map. */
export type FaultRegistry = Readonly<Record<string, FaultInfo>> | ReadonlyMap<string, FaultInfo>;

type BatchListener = (batch: LoggedEvent[]) => void;

/**
 * The part of `Run` (src/runtime/run.ts) the TUI drives. Components take this rather than the class so
 * that tests can hand them a small stand-in, and so the TUI needs nothing a CI run does not also have.
 * `inject`, `faults` and `liveExpectations` are optional: the TUI says so when a run lacks them.
 */
export interface RunLike {
  readonly plan: Pick<Plan, 'name' | 'timeline'> & { readonly source?: string | undefined };
  readonly seed: string;
  readonly durationMs: number;
  readonly brokerUrl: string | undefined;
  /**
   * Where and as whom the traffic view connects to read `zone` (Run.observerEndpoint): on a secured
   * run an identity of the run and its TLS settings. Absent: anonymously at `brokerUrl`.
   */
  observerEndpoint?(clientId: string, zone: string | undefined): LinkEndpoint;
  /** The security profile applied to the run's traffic, when the plan names one (the header shows it). */
  readonly security?: { readonly config: { readonly profile: string } } | undefined;
  readonly agents: readonly TuiAgent[];
  readonly twin: { readonly shadows: ReadonlyMap<string, ShadowView> };
  /** The run's delivery ledger, for what a device holds in its offline buffer (link state: backfilling). */
  readonly ledger?: { account(deviceId: string): { sum(except?: readonly string[]): { buffered: number } } | undefined };
  readonly paused: boolean;
  status(): RunStatus;
  open(): Promise<void>;
  runToEnd(): Promise<void>;
  pause(): void;
  resume(): void;
  step(ms: number): void;
  setSpeed(speed: number | 'max'): void;
  /** What 'max' speed does not keep from fast mode in this run (Run.maxSpeedNote); the footer says it on key 4. */
  readonly maxSpeedNote?: string | undefined;
  stop(): void;
  close(): Promise<void>;
  command(deviceId: string, command: Record<string, unknown>): string;
  on(event: 'events', listener: BatchListener): unknown;
  off(event: 'events', listener: BatchListener): unknown;
  inject?(fault: string, selector: TargetSelector, params: Record<string, unknown>, forMs?: number): unknown;
  readonly faults?: FaultRegistry;
  liveExpectations?(): readonly ExpectationResult[];
  /** Active injections and ending one now ("end now" in the faults menu). */
  readonly timeline?: {
    active(): readonly InjectionRecord[];
    revert(id: string, device?: string): number;
  };
  /** The judged result, once the run has finished (the session export writes it as its report). */
  result?(): RunResult;
}

/** The run's registered faults in name order, or an empty list when it has no registry. */
export function faultList(run: Pick<RunLike, 'faults'>): FaultInfo[] {
  const registry = run.faults;
  if (!registry) return [];
  const all = registry instanceof Map ? [...registry.values()] : Object.values(registry as Readonly<Record<string, FaultInfo>>);
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
