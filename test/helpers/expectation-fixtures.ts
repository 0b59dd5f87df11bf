import { EventLog, type LoggedEvent, type SimEvent } from '../../src/core/event-log.ts';
import { planFleet, type FleetPlan } from '../../src/fleet/fleet-spec.ts';

/*
 * Hand-built event streams for the judge and collector tests, in the log's real vocabulary
 * (src/fleet/agent.ts, src/fleet/twin.ts, src/inject/injector.ts).
 */

const PREFIX: Record<string, string> = { 'infusion-pump': 'pump', 'patient-monitor': 'mon', cgm: 'cgm' };

/** One ICU zone: `beds` beds with a monitor, a pump and a CGM each (mon-001, pump-001, cgm-001 on P-001...). */
export function icuFleet(beds = 2, extra: Record<string, number> = {}): FleetPlan {
  return planFleet(
    {
      site: 'test',
      zones: [{ id: 'icu', beds, devices: { 'patient-monitor': beds, 'infusion-pump': beds, cgm: beds, ...extra }, tags: ['critical'] }],
    },
    (kind) => PREFIX[kind] ?? kind,
  );
}

export const ev = {
  runStarted: (durationMs: number): SimEvent => ({
    t: 0,
    source: 'runner',
    type: 'run.started',
    data: { scenario: 'test', seed: '1', devices: 0, patients: 0, durationMs },
  }),
  runFinished: (t: number): SimEvent => ({ t, source: 'runner', type: 'run.finished', data: { simulatedMs: t } }),
  cgm: (t: number, device: string, glucose: number | null, trueGlucose: number, extra: Record<string, unknown> = {}): SimEvent => ({
    t,
    source: device,
    type: 'telemetry',
    data: {
      seq: Math.round(t / 300_000),
      body: {
        state: 'active',
        glucose,
        display: null,
        trend: 'flat',
        rateOfChange: 0,
        sensorAgeMs: t,
        warmUpRemainingMs: null,
        alarms: [],
      },
      truth: { glucose: trueGlucose },
      ...extra,
    },
  }),
  monitor: (
    t: number,
    device: string,
    reading: Record<string, number | null>,
    truth: Record<string, number>,
    nibp: { sbp: number; dbp: number; map: number; t: number } | null = null,
  ): SimEvent => ({
    t,
    source: device,
    type: 'telemetry',
    data: {
      seq: Math.round(t / 1000),
      body: { state: 'monitoring', hr: null, spo2: null, rr: null, temp: null, ...reading, nibp, alarms: [] },
      truth,
    },
  }),
  pump: (
    t: number,
    device: string,
    state: string,
    programmedRate: number,
    deliveredRate: number,
    drug = 'insulin',
    extra: Record<string, unknown> = {},
  ): SimEvent => ({
    t,
    source: device,
    type: 'telemetry',
    data: {
      seq: Math.round(t / 5000),
      body: {
        state,
        drug,
        rate: state === 'infusing' ? programmedRate : 0,
        programmedRate,
        doseRate: programmedRate,
        doseRateUnit: 'U/h',
        vtbi: 100,
        volumeInfused: 0,
        remaining: 100,
        linePressure: 20,
        battery: 90,
        firmware: '2.1.0',
        alarms: [],
      },
      truth: {},
      delivered: { drug, rateMlPerH: deliveredRate, doseRatePerH: deliveredRate, doseUnit: 'U' },
      ...extra,
    },
  }),
  state: (t: number, device: string, from: string, to: string): SimEvent => ({
    t,
    source: device,
    type: 'state.changed',
    data: { from, to },
  }),
  alarm: (
    t: number,
    device: string,
    code: string,
    priority = 'high',
    extra: { suppressed?: boolean; parameter?: string; value?: number; limit?: number; category?: string; seq?: number } = {},
  ): SimEvent => {
    const { suppressed, category, seq, ...info } = extra;
    return {
      t,
      source: device,
      type: 'alarm.raised',
      data: {
        alarm: { code, priority, category: category ?? (info.parameter ? 'physiological' : 'technical'), message: code, ...info },
        ...(suppressed ? { suppressed: true } : {}),
        ...(seq !== undefined ? { seq } : {}),
      },
    };
  },
  cleared: (t: number, device: string, code: string): SimEvent => ({ t, source: device, type: 'alarm.cleared', data: { code } }),
  injected: (t: number, id: string, fault: string, device: string, until: number | null = null, category = 'device'): SimEvent => ({
    t,
    source: 'injector',
    type: 'fault.injected',
    data: { id, fault, category, device, params: {}, until },
  }),
  reverted: (t: number, id: string, fault: string, device: string): SimEvent => ({
    t,
    source: 'injector',
    type: 'fault.reverted',
    data: { id, fault, device },
  }),
  twin: (t: number, type: 'twin.stale' | 'twin.fresh' | 'twin.diverged' | 'twin.converged', device: string): SimEvent => ({
    t,
    source: 'twin',
    type,
    data: { device, lastSeen: null },
  }),
  clinical: (t: number, patient: string, event: string, from: number, to: number | null): SimEvent => ({
    t,
    source: 'patients',
    type: 'clinical.event',
    data: { patient, event, from, to },
  }),
  other: (t: number, source: string, type: string, data: Record<string, unknown> = {}): SimEvent => ({ t, source, type, data }),
};

/** Something that takes sealed batches (a judge, the collector). */
export interface BatchConsumer {
  onEvents(batch: readonly LoggedEvent[]): void;
}

/**
 * Records `events` in a real EventLog, sealing every `windowMs` as the runner does (so consumers see
 * several canonical batches), and returns the sealed events with their ids.
 */
export function stream(events: readonly SimEvent[], consumers: readonly BatchConsumer[], windowMs = 60_000): LoggedEvent[] {
  const log = new EventLog();
  const sealed: LoggedEvent[] = [];
  log.subscribe((batch) => sealed.push(...batch));
  for (const c of consumers) log.subscribe((batch) => c.onEvents(batch));
  const sorted = [...events].sort((a, b) => a.t - b.t);
  let window = 0;
  for (const event of sorted) {
    while (event.t > window + windowMs) {
      window += windowMs;
      log.seal(window);
    }
    log.record(event);
  }
  log.digest();
  return sealed;
}

/** The sealed id of the first event matching `pred`. */
export function idOf(events: readonly LoggedEvent[], pred: (e: LoggedEvent) => boolean): number {
  const found = events.find(pred);
  if (!found) throw new Error('idOf: no event matches');
  return found.id;
}
