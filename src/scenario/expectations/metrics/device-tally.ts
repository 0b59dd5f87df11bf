import type { LoggedEvent } from '../../../core/event-log.ts';
import { AccuracyStats, GlycaemicStats, type AccuracySummary, type GlycaemicSummary } from '../../../physiology/metrics.ts';
import { alarmOf, isPlain, NIBP_SIGNALS, num, readingOf, str, telemetryOf, type Plain } from '../event-data.ts';

const HOUR_MS = 3_600_000;
/** Pump states in which the programmed rate is what the patient should be getting. */
const INFUSING = 'infusing';

/** A pump's last telemetry: the rates held until its next one, and its running totals. */
interface PumpInterval {
  t: number;
  driving: number;
  delivered: number;
  dose: number;
  volumeMl?: number;
  amount?: number;
}

interface AbsoluteError {
  sum: number;
  n: number;
  missing: number;
}

/**
 * Everything about one device that the run result and the metrics need, accumulated in constant memory
 * from its events: reading-vs-truth errors, the patient's true glucose, delivered vs programmed volume,
 * alarm and command counts, and how long the twin had it stale.
 */
export class DeviceTally {
  readonly id: string;
  readonly kind: string;
  telemetry = 0;
  silenced = 0;
  alarmsRaised = 0;
  alarmsSuppressed = 0;
  commandsReceived = 0;
  commandsRejected = 0;
  #changedState: string | undefined;
  #telemetryState: string | undefined;
  firmware: string | undefined;
  /** False once the device installed an image that is not the vendor's (ground truth of `firmware.installed`). */
  firmwareGenuine = true;
  firmwareInstalls = 0;
  firmwareRollbacks = 0;
  firmwareFailedInstalls = 0;
  firmwareRefused = 0;
  staleEvents = 0;
  divergedEvents = 0;
  diverged = false;
  #errors = new Map<string, AbsoluteError>();
  #glucose: AccuracyStats | undefined;
  #glycaemic: GlycaemicStats | undefined;
  #lastNibpT: number | undefined;
  #pump: PumpInterval | undefined;
  #expectedMl = 0;
  #deliveredMl = 0;
  #deliveredDose = 0;
  #doseUnit: string | undefined;
  #staleSince: number | undefined;
  #staleMs = 0;

  constructor(id: string, kind: string) {
    this.id = id;
    this.kind = kind;
  }

  /** Takes one event from or about this device. */
  onEvent(event: LoggedEvent): void {
    switch (event.type) {
      case 'telemetry':
        return this.#onTelemetry(event);
      case 'state.changed':
        this.#changedState = str(event.data.to) ?? this.#changedState;
        return;
      case 'alarm.raised':
        this.alarmsRaised++;
        if (alarmOf(event).suppressed) this.alarmsSuppressed++;
        return;
      case 'command.received':
        this.commandsReceived++;
        return;
      case 'command.rejected':
        this.commandsRejected++;
        return;
      case 'firmware.installed':
        this.firmwareInstalls++;
        this.firmware = str(event.data.to) ?? this.firmware;
        this.firmwareGenuine = event.data.genuine !== false;
        return;
      case 'firmware.install-failed':
        if (event.data.rolledBack === true) this.firmwareRollbacks++;
        else this.firmwareFailedInstalls++;
        return;
      case 'firmware.rejected':
        this.firmwareRefused++;
        return;
      case 'twin.stale':
        this.staleEvents++;
        this.#staleSince ??= event.t;
        return;
      case 'twin.fresh':
        if (this.#staleSince !== undefined) this.#staleMs += event.t - this.#staleSince;
        this.#staleSince = undefined;
        return;
      case 'twin.diverged':
        this.divergedEvents++;
        this.diverged = true;
        return;
      case 'twin.converged':
        this.diverged = false;
    }
  }

  /** Last state the device entered (`state.changed`), else the one its last telemetry showed. */
  get finalState(): string | undefined {
    return this.#changedState || this.#telemetryState;
  }

  get alarmsAnnounced(): number {
    return this.alarmsRaised - this.alarmsSuppressed;
  }

  get stale(): boolean {
    return this.#staleSince !== undefined;
  }

  /** Time the twin had this device stale, ms, counting an open stretch up to `endMs`. */
  staleMs(endMs: number): number {
    return this.#staleMs + (this.#staleSince === undefined ? 0 : Math.max(0, endMs - this.#staleSince));
  }

  /** Mean absolute error of readings of `signal` against truth, or undefined without pairs. */
  meanAbsoluteError(signal: string): number | undefined {
    const e = this.#errors.get(signal);
    return e && e.n > 0 ? e.sum / e.n : undefined;
  }

  /** Glucose readings against true glucose (MARD, Clarke zones), for devices that read glucose. */
  glucoseAccuracy(): AccuracySummary | undefined {
    return this.#glucose?.summary();
  }

  /** The patient's true glucose as seen alongside this device's telemetry. */
  glycaemic(): GlycaemicSummary | undefined {
    return this.#glycaemic?.summary();
  }

  /**
   * Volume the patient got vs what the pump meant to give: the rate it said it was driving (programmed,
   * bolus or KVO; 0 in hold or paused), held between telemetry messages. What the patient got is the
   * pump's running total when it reports one — all of it, so a bolus a cleared occlusion releases while
   * the pump holds counts — else its delivered rate, held likewise. Undefined for non-pumps or nothing programmed.
   */
  dose(): { expectedMl: number; deliveredMl: number; errorPct: number } | undefined {
    if (this.#pump === undefined || this.#expectedMl <= 0) return undefined;
    const errorPct = (100 * Math.abs(this.#deliveredMl - this.#expectedMl)) / this.#expectedMl;
    return { expectedMl: this.#expectedMl, deliveredMl: this.#deliveredMl, errorPct };
  }

  /** Per-kind accuracy figures for the run result. */
  accuracy(): Record<string, number> | undefined {
    const out: Record<string, number> = {};
    const g = this.glucoseAccuracy();
    if (g && g.n > 0) {
      const c = g.clarke;
      Object.assign(out, {
        mard: g.mard,
        meanBias: g.meanBias,
        clarkeA: c.A,
        clarkeB: c.B,
        clarkeC: c.C,
        clarkeD: c.D,
        clarkeE: c.E,
        clarkeAB: c.A + c.B,
        n: g.n,
        missing: g.missing,
      });
    }
    for (const [signal, e] of this.#errors) {
      if (signal !== 'glucose' && e.n > 0) out[`mae${signal[0]!.toUpperCase()}${signal.slice(1)}`] = e.sum / e.n;
    }
    const dose = this.dose();
    if (dose) out.doseErrorPct = dose.errorPct;
    return Object.keys(out).length > 0 ? roundAll(out) : undefined;
  }

  /** Per-kind clinical figures for the run result. */
  clinical(): Record<string, number> | undefined {
    const out: Record<string, number> = {};
    const g = this.glycaemic();
    if (g && g.n > 0) {
      Object.assign(out, {
        timeInRange: g.inRange,
        timeBelow70: g.below70,
        timeBelow54: g.below54,
        timeAbove180: g.above180,
        timeAbove250: g.above250,
        lbgi: g.lbgi,
        hbgi: g.hbgi,
        meanGlucose: g.mean,
      });
    }
    const dose = this.dose();
    if (dose) {
      out.expectedMl = dose.expectedMl;
      out.deliveredMl = dose.deliveredMl;
    }
    if (this.#pump !== undefined && this.#deliveredDose > 0) out.deliveredDose = this.#deliveredDose;
    return Object.keys(out).length > 0 ? roundAll(out) : undefined;
  }

  /** Unit of `clinical().deliveredDose` (U, mg...). */
  get doseUnit(): string | undefined {
    return this.#doseUnit;
  }

  #onTelemetry(event: LoggedEvent): void {
    const { body, truth, delivered, silenced } = telemetryOf(event);
    this.telemetry++;
    if (silenced) this.silenced++;
    this.#telemetryState = str(body.state) ?? this.#telemetryState;
    this.firmware = str(body.firmware) ?? this.firmware;
    const nibpT = isPlain(body.nibp) ? num(body.nibp.t) : undefined;
    const newNibp = nibpT !== undefined && nibpT !== this.#lastNibpT;
    // for-in, not Object.entries: this runs for every telemetry message, and entries are garbage.
    for (const signal in truth) {
      const reference = num(truth[signal]);
      if (reference === undefined) continue;
      if (signal === 'glucose') (this.#glycaemic ??= new GlycaemicStats()).add(reference);
      // A hung device showed nobody this reading: it says nothing about the sensor.
      if (silenced) continue;
      // A cuff reading counts once, at the first telemetry that carries it.
      if (NIBP_SIGNALS.has(signal) && !newNibp) continue;
      const reading = readingOf(body, signal);
      if (reading === undefined) continue;
      const e = this.#errors.get(signal) ?? { sum: 0, n: 0, missing: 0 };
      this.#errors.set(signal, e);
      if (reading === null) e.missing++;
      else {
        e.sum += Math.abs(reading - reference);
        e.n++;
      }
      if (signal === 'glucose' && reference > 0) (this.#glucose ??= new AccuracyStats()).add(reference, reading);
    }
    if (newNibp && !silenced) this.#lastNibpT = nibpT;
    // Once a pump, always a pump: an idle pump (no program, no delivery) still closes the last interval.
    if (delivered !== undefined || num(body.programmedRate) !== undefined || this.#pump !== undefined)
      this.#onPumpTelemetry(event.t, body, delivered);
  }

  #onPumpTelemetry(t: number, body: Plain, delivered: ReturnType<typeof telemetryOf>['delivered']): void {
    const previous = this.#pump;
    if (previous !== undefined) {
      const hours = (t - previous.t) / HOUR_MS;
      this.#expectedMl += previous.driving * hours;
      if (previous.volumeMl !== undefined && delivered?.volumeMl !== undefined) {
        this.#deliveredMl += Math.max(0, delivered.volumeMl - previous.volumeMl);
        this.#deliveredDose += Math.max(0, (delivered.amount ?? 0) - (previous.amount ?? 0));
      } else {
        this.#deliveredMl += previous.delivered * hours;
        this.#deliveredDose += previous.dose * hours;
      }
    }
    if (delivered?.doseUnit) this.#doseUnit = delivered.doseUnit;
    const pump: PumpInterval = {
      t,
      // The rate the pump drives; older logs without it: the programmed rate while infusing.
      driving: num(body.rate) ?? (body.state === INFUSING ? (num(body.programmedRate) ?? 0) : 0),
      delivered: delivered?.rateMlPerH ?? 0,
      dose: delivered?.doseRatePerH ?? 0,
    };
    // Set, not spread into the literal: a conditional spread costs an object and a copy per message.
    if (delivered?.volumeMl !== undefined) {
      pump.volumeMl = delivered.volumeMl;
      pump.amount = delivered.amount ?? 0;
    }
    this.#pump = pump;
  }
}

function roundAll(record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) out[key] = Math.round(value * 1000) / 1000;
  return out;
}
