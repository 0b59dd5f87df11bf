import type { EventLog, LoggedEvent } from '../core/event-log.ts';
import type { FleetPlan } from '../fleet/fleet-spec.ts';
import { CHANNELS } from '../net/topics.ts';
import { SIGNAL_UNITS, type SignalName } from '../physiology/signals.ts';
import { alarmOf, injectionOf, isInstant, num, readingOf, telemetryOf } from '../scenario/expectations/event-data.ts';
import { TallyBook } from '../scenario/expectations/metrics/tally-book.ts';
import type { RunContext } from '../scenario/expectations/run-context.ts';
import type {
  AlarmRecord,
  AlarmSummary,
  DeviceResult,
  InjectionRecord,
  IntegrityError,
  RunResult,
  SeriesSet,
  TwinResult,
} from '../scenario/result.ts';
import { SeriesDecimator } from './series.ts';

export type { RunContext } from '../scenario/expectations/run-context.ts';

export interface CollectorOptions {
  /** At most this many devices keep plot series (default 100): memory stays bounded on any fleet. */
  seriesDevices?: number;
  /** Devices of each kind plotted from the start (default 3). */
  seriesPerKind?: number;
  /** Further devices to plot from the start, e.g. the timeline's planned targets. */
  seriesFor?: readonly string[];
  /** Points per series after decimation (default 600). */
  maxPointsPerSeries?: number;
  /** Alarm records kept for the report (default 200). */
  maxAlarmRecords?: number;
}

/** The parts of a RunResult the collector builds from the event log. */
export type CollectorResult = Pick<RunResult, 'devices' | 'alarms' | 'twin' | 'injections' | 'series'> & {
  integrity: NonNullable<RunResult['integrity']>;
};

/** Integrity errors kept for the report; all are counted. */
const MAX_INTEGRITY_RECORDS = 20;

interface PlottedSignal {
  unit: string;
  decimator: SeriesDecimator;
}

/**
 * Streams the sealed event log into the run result: per-device accuracy and clinical figures (via
 * per-device tallies), the alarm summary, twin flags, injections and decimated plot series. Memory is
 * bounded by the fleet size, the number of injections and the series caps — not by the run length.
 * Devices get series from the start (a few per kind, plus `seriesFor`), or from their first injected
 * fault if the cap allows.
 */
export class Collector {
  readonly fleetPlan: FleetPlan;
  #book: TallyBook;
  #maxSeriesDevices: number;
  #maxPoints: number;
  #maxAlarms: number;
  #series = new Map<string, Map<string, PlottedSignal>>();
  #initialBucketMs = 1;
  #alarms: AlarmSummary = { total: 0, byPriority: {}, byCode: {}, first: [] };
  #injections: InjectionRecord[] = [];
  #open = new Map<string, InjectionRecord[]>();
  #staleEvents = 0;
  #divergedEvents = 0;
  #integrityErrors = 0;
  #integrityFirst: IntegrityError[] = [];

  constructor(fleetPlan: FleetPlan, options: CollectorOptions = {}) {
    this.fleetPlan = fleetPlan;
    this.#book = new TallyBook(fleetPlan.devices);
    this.#maxSeriesDevices = options.seriesDevices ?? 100;
    this.#maxPoints = options.maxPointsPerSeries ?? 600;
    this.#maxAlarms = options.maxAlarmRecords ?? 200;
    const perKind = options.seriesPerKind ?? 3;
    const taken = new Map<string, number>();
    const wanted = new Set(options.seriesFor ?? []);
    for (const d of fleetPlan.devices) {
      const n = taken.get(d.kind) ?? 0;
      if (n < perKind || wanted.has(d.id)) {
        taken.set(d.kind, n + 1);
        this.#track(d.id);
      }
    }
  }

  /** Subscribes to the log's sealed batches; returns the unsubscribe function. */
  attach(log: EventLog): () => void {
    return log.subscribe((batch) => this.onEvents(batch));
  }

  /** Takes a batch of sealed events (what `attach` does for each batch). */
  onEvents(batch: readonly LoggedEvent[]): void {
    this.#book.feed(batch);
    for (const event of batch) {
      switch (event.type) {
        case 'telemetry':
          this.#plot(event);
          break;
        case 'alarm.raised':
          this.#onAlarm(event);
          break;
        case 'fault.injected':
          this.#onInjected(event);
          break;
        case 'fault.reverted':
          this.#onReverted(event);
          break;
        case 'twin.stale':
          this.#staleEvents++;
          break;
        case 'twin.diverged':
          this.#divergedEvents++;
          break;
        case 'physiology.invalid':
          this.#integrityErrors++;
          if (this.#integrityFirst.length < MAX_INTEGRITY_RECORDS) {
            const d = event.data as { patient?: unknown; signal?: unknown; value?: unknown; reason?: unknown };
            this.#integrityFirst.push({
              eventId: event.id,
              t: event.t,
              patient: String(d.patient),
              signal: String(d.signal),
              value: typeof d.value === 'number' ? d.value : String(d.value),
              reason: String(d.reason),
            });
          }
          break;
        case 'run.started': {
          // Buckets wide enough that the whole run (end inclusive) fits without merging.
          const duration = num(event.data.durationMs);
          if (duration !== undefined)
            this.#initialBucketMs = Math.max(1, Math.ceil((duration + 1) / SeriesDecimator.bucketsFor(this.#maxPoints)));
        }
      }
    }
  }

  /** Devices currently keeping plot series. */
  get seriesDevices(): string[] {
    return [...this.#series.keys()];
  }

  /** Builds the result parts; `context` brings agent and twin counters the log does not hold. */
  result(context: RunContext = {}): CollectorResult {
    const devices: DeviceResult[] = this.fleetPlan.devices.map((d) => {
      const tally = this.#book.get(d.id)!;
      const agent = context.agents?.get(d.id);
      const shadow = context.shadows?.get(d.id);
      const firmware = tally.firmware ?? d.config.firmware;
      const accuracy = tally.accuracy();
      const clinical = tally.clinical();
      return {
        id: d.id,
        kind: d.kind,
        zone: d.zone,
        bed: d.bed,
        patientId: d.patientId,
        ...(firmware !== undefined ? { firmware } : {}),
        finalState: tally.finalState ?? 'unknown',
        published: agent?.publishedTotal ?? tally.telemetry - tally.silenced,
        // Each message once (a copy a fault made is not a second delivery); without a ledger, the twin's count.
        deliveredToTwin:
          context.ledger?.account(d.id)?.sum([CHANNELS.cmd]).delivered ?? (context.ledger ? 0 : (shadow?.receivedTotal ?? 0)),
        missing: shadow?.missingTelemetry ?? 0,
        alarmsRaised: tally.alarmsRaised,
        commandsReceived: agent?.commandsReceived ?? tally.commandsReceived,
        commandsRejected: agent?.commandsRejected ?? tally.commandsRejected,
        ...(accuracy ? { accuracy } : {}),
        ...(clinical ? { clinical } : {}),
      };
    });
    const stale = this.fleetPlan.devices.filter((d) => context.shadows?.get(d.id)?.stale ?? this.#book.get(d.id)!.stale).map((d) => d.id);
    const diverged = this.fleetPlan.devices
      .filter((d) => context.shadows?.get(d.id)?.diverged ?? this.#book.get(d.id)!.diverged)
      .map((d) => d.id);
    const twin: TwinResult = { stale, diverged, staleEvents: this.#staleEvents, divergedEvents: this.#divergedEvents };
    return {
      devices,
      alarms: structuredClone(this.#alarms),
      twin,
      injections: this.#injections.map((i) => ({ ...i })),
      series: this.#seriesSets(),
      integrity: { ok: this.#integrityErrors === 0, errors: this.#integrityErrors, first: this.#integrityFirst.map((e) => ({ ...e })) },
    };
  }

  #track(deviceId: string): boolean {
    if (this.#series.has(deviceId)) return true;
    if (this.#series.size >= this.#maxSeriesDevices) return false;
    this.#series.set(deviceId, new Map());
    return true;
  }

  #plot(event: LoggedEvent): void {
    const signals = this.#series.get(event.source);
    if (!signals) return;
    const { body, truth, delivered, silenced } = telemetryOf(event);
    for (const signal in truth) {
      const reference = num(truth[signal]);
      if (reference !== undefined)
        this.#point(
          signals,
          signal,
          SIGNAL_UNITS[signal as SignalName] ?? '',
          event.t,
          silenced,
          readingOf(body, signal) ?? null,
          reference,
        );
    }
    if (delivered !== undefined || num(body.programmedRate) !== undefined) {
      this.#point(signals, 'rate', 'mL/h', event.t, silenced, num(body.rate) ?? null, delivered?.rateMlPerH ?? 0);
      const pressure = num(body.linePressure);
      if (pressure !== undefined) this.#point(signals, 'linePressure', 'mmHg', event.t, silenced, pressure, null);
    }
  }

  #point(
    signals: Map<string, PlottedSignal>,
    signal: string,
    unit: string,
    t: number,
    silenced: boolean,
    measured: number | null,
    truth: number | null,
  ): void {
    let plotted = signals.get(signal);
    if (!plotted) signals.set(signal, (plotted = { unit, decimator: new SeriesDecimator(this.#maxPoints, this.#initialBucketMs) }));
    // A hung device showed nothing: plot a gap, not the frozen value.
    plotted.decimator.add(t, silenced ? null : measured, truth);
  }

  #onAlarm(event: LoggedEvent): void {
    const a = alarmOf(event);
    const summary = this.#alarms;
    summary.total++;
    summary.byPriority[a.priority] = (summary.byPriority[a.priority] ?? 0) + 1;
    summary.byCode[a.code] = (summary.byCode[a.code] ?? 0) + 1;
    if (summary.first.length < this.#maxAlarms) {
      const record: AlarmRecord = {
        id: event.id,
        t: event.t,
        device: event.source,
        code: a.code,
        priority: a.priority,
        message: a.message,
      };
      if (a.suppressed) record.suppressed = true;
      // A limit alarm says what it measured against which limit (charts draw the limit line).
      if (a.parameter !== undefined) record.parameter = a.parameter;
      if (a.limit !== undefined) record.limit = a.limit;
      summary.first.push(record);
    }
  }

  #onInjected(event: LoggedEvent): void {
    const i = injectionOf(event);
    const record: InjectionRecord = {
      eventId: event.id,
      id: i.id,
      fault: i.fault,
      category: i.category,
      device: i.device,
      at: event.t,
      until: isInstant(event) ? event.t : null,
      params: i.params,
    };
    const target = event.data.target as { kind?: unknown; id?: unknown } | undefined;
    if (typeof target?.kind === 'string' && typeof target.id === 'string') record.target = { kind: target.kind, id: target.id };
    this.#injections.push(record);
    if (record.until === null) {
      const key = `${i.id}\u0000${i.device}`;
      this.#open.set(key, [...(this.#open.get(key) ?? []), record]);
    }
    this.#track(i.device);
  }

  #onReverted(event: LoggedEvent): void {
    const i = injectionOf(event);
    const key = `${i.id}\u0000${i.device}`;
    const open = this.#open.get(key);
    const record = open?.shift();
    if (record) record.until = event.t;
    if (open && open.length === 0) this.#open.delete(key);
  }

  #seriesSets(): SeriesSet[] {
    const out: SeriesSet[] = [];
    for (const [device, signals] of this.#series) {
      const faults = this.#injections.filter((i) => i.device === device).map((i) => ({ fault: i.fault, from: i.at, to: i.until }));
      for (const [signal, { unit, decimator }] of signals) out.push({ device, signal, unit, points: decimator.points(), faults });
    }
    return out;
  }
}
