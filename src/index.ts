/**
 * medtwin as a library: load a scenario, run it (or a study over seeds) on the real broker, and get the
 * same result `medtwin run` reports — from a script or a test suite (docs/api.md). The sources are
 * TypeScript: vitest and tsx load them as they are.
 */
import type { Plan } from './scenario/plan.ts';
import type { RunResult, StudyResult } from './scenario/result.ts';
import { loadScenarioFile, parseScenario as parseWith } from './scenario/loader.ts';
import { executeScenario, type ExecuteOptions } from './runtime/execute.ts';
import { SCENARIO_REGISTRIES } from './runtime/registries.ts';
import { runStudy as runStudyOfPlan, type StudyOptions } from './runtime/study.ts';

/** A scenario file's path, or a Plan from `loadScenario` / `parseScenario`. */
export type ScenarioInput = string | Plan;

/**
 * Reads and validates a scenario file into a Plan. Throws a ScenarioError listing every problem, each
 * at `file:line:col`.
 */
export function loadScenario(file: string): Promise<Plan> {
  return loadScenarioFile(file, SCENARIO_REGISTRIES);
}

/** Validates scenario YAML given as text (`file` names it in error messages). */
export function parseScenario(yaml: string, file = 'inline.yaml'): Plan {
  return parseWith(yaml, file, SCENARIO_REGISTRIES);
}

/**
 * Runs a scenario headless from start to finish on an embedded broker (or `brokerUrl`) and returns its
 * result: `ok`, every expectation's verdict with what it measured, devices, alarms, the digest.
 */
export async function runScenario(scenario: ScenarioInput, options: ExecuteOptions = {}): Promise<RunResult> {
  return executeScenario(await planOf(scenario), options);
}

/** Runs a scenario under every seed of `options.seeds` (`seedRange(1, 100)`) and returns the study. */
export async function runStudy(scenario: ScenarioInput, options: StudyOptions): Promise<StudyResult> {
  return runStudyOfPlan(await planOf(scenario), options);
}

async function planOf(scenario: ScenarioInput): Promise<Plan> {
  return typeof scenario === 'string' ? loadScenario(scenario) : scenario;
}

export type { ExecuteOptions, RunBegin } from './runtime/execute.ts';
export type { StudyOptions, StudyPosition } from './runtime/study.ts';
export { type SeedSet, seedList, seedRange } from './runtime/seeds.ts';
export { Run, type RunOptions, type RunStatus, type RunMode } from './runtime/run.ts';
export { DEFAULT_DEPENDENCIES } from './runtime/defaults.ts';
export { openBroker, type BrokerHandle, type OpenBrokerOptions } from './runtime/broker-host.ts';
export { ScenarioError, type Diagnostic } from './scenario/diagnostics.ts';
export { replayCommand } from './scenario/replay.ts';
export type { Plan } from './scenario/plan.ts';
export type {
  AlarmSummary,
  DeliveryResult,
  DeviceResult,
  Distribution,
  ExpectationResult,
  InjectionRecord,
  RunResult,
  StudyResult,
} from './scenario/result.ts';
export { createReporters, type Reporter } from './report/index.ts';
