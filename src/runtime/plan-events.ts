import type { Clock } from '../core/clock.ts';
import type { EventLog } from '../core/event-log.ts';
import type { Rng } from '../core/rng.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import { clinicalEventSchema } from '../physiology/clinical-events.ts';
import type { Plan } from '../scenario/plan.ts';
import type { RunPatient } from './fleet-builder.ts';
import { matchDevices, pickDevices, type TagLookup } from './selector.ts';

export interface PlanEventsOptions {
  plan: Plan;
  clock: Clock;
  log: EventLog;
  /** The run's root stream: command entry `i` picks its devices from fork `commands:<i>`. */
  rng: Rng;
  agents: readonly DeviceAgent[];
  patients: ReadonlyMap<string, RunPatient>;
  tagsOf: TagLookup;
  /** Sends a command as the central station (the run's command(), so it is counted and settled). */
  command(deviceId: string, command: Record<string, unknown>): void;
}

/** Schedules the plan's commands and clinical events. */
export function schedulePlanEvents(options: PlanEventsOptions): void {
  scheduleCommands(options);
  scheduleClinicalEvents(options);
}

/** Schedules the plan's `commands` on the clock: each entry at its time, on the devices it selects. */
export function scheduleCommands(options: PlanEventsOptions): void {
  const { plan, clock, agents, tagsOf } = options;
  for (const [index, entry] of (plan.commands ?? []).entries()) {
    const rng = options.rng.fork(`commands:${index}`);
    clock.setTimeout(() => {
      const devices = pickDevices(entry.target, matchDevices(entry.target, agents, { tagsOf, where: `commands[${index}].target` }), rng);
      for (const device of devices) options.command(device.deviceId, entry.command);
    }, entry.at);
  }
}

/**
 * Hands the plan's clinical events (`patients.events`) to the patients they concern, and logs each
 * `clinical.event` when it begins (the judges and reports read it).
 */
export function scheduleClinicalEvents(options: PlanEventsOptions): void {
  const { plan, clock, log, agents, tagsOf } = options;
  for (const event of plan.patients?.events ?? []) {
    const patientIds = event.patient
      ? [event.patient]
      : [...new Set(matchDevices(event.target ?? {}, agents, { tagsOf, where: 'patients.events.target' }).map((a) => a.patient.id))];
    for (const id of patientIds) {
      const patient = options.patients.get(id);
      if (!patient?.schedule) continue;
      const parsed = clinicalEventSchema.parse({ ...event.params, type: event.event, at: event.at });
      patient.schedule(parsed);
      const until = parsed.at + parsed.duration + parsed.recovery;
      clock.setTimeout(() => {
        log.record({
          t: clock.now(),
          source: 'patients',
          type: 'clinical.event',
          data: { patient: id, event: event.event, from: event.at, to: until, params: event.params },
        });
      }, event.at);
    }
  }
}
