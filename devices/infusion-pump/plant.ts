import type { Rng } from '../../src/core/rng.ts';
import type { Delivery, DeviceConditions, DevicePlant, SampleInput } from '../descriptor.ts';
import { type DeliveryError, deliveryFactor, drawDeliveryError } from './accuracy.ts';
import {
  type BatteryBand,
  DETECTORS,
  type Flow,
  type PressureBand,
  type PumpContext,
  type PumpEvent,
  type PumpInput,
  type PumpPlantEvent,
  motorRateMlPerH,
  occlusionLimitMmHg,
} from './context.ts';
import type { InfusionProgram } from './drug-library.ts';
import { linePressure, releasedWhileOpen, storedWhileClosed } from './line.ts';
import type { PumpSettings } from './telemetry.ts';

/** What the plant reads of the machine: its context, and whether it is powered. */
export interface PumpView {
  value: unknown;
  context: PumpContext;
}

const MS_PER_H = 3_600_000;
/** The pump samples its sensors (and its plant plans ahead) every second. */
export const PUMP_SAMPLE_PERIOD_MS = 1000;
const NOTHING: readonly PumpPlantEvent[] = [];
/** A pressure alarm ends only well below its limit, so noise at the limit cannot make it chatter. */
const HYSTERESIS = 0.8;

export const isOn = (c: DeviceConditions, name: string): boolean => (c[name] ?? 0) >= 0.5;
const factor = (c: DeviceConditions, name: string): number => Math.max(0, c[name] ?? 1);

/**
 * The pump's physical side: the motor's count toward VTBI, the administration set as a compliant line
 * (line.ts), what actually reaches the patient (accuracy.ts), and the battery. It follows the machine's
 * mode (flow, program, bolus) and tells the machine only when something crosses a threshold: line
 * pressure over or back under the occlusion limit, a detector (upstream, air, door) tripping or
 * clearing, the battery low or empty, VTBI or a bolus delivered.
 *
 * Between two instants it integrates the rates it planned at the first — the motor's, the patient's,
 * the line's — so the patient (who is handed the planned rate) and the dose account get the same mL.
 */
export class PumpPlant implements DevicePlant<PumpView, PumpEvent> {
  readonly settings: PumpSettings;
  readonly error: DeliveryError;
  /** Time the plant has been integrated to, ms (null before the first sample). */
  t: number | null = null;
  /** The pump's own count toward VTBI since the program was accepted, and of the running bolus, mL. */
  volumeInfusedMl = 0;
  bolusInfusedMl = 0;
  /** Volume and drug amount that reached the patient since the pump was set up. */
  deliveredMl = 0;
  amountDelivered = 0;
  /** Volume held in the line's compliance above its baseline, mL. */
  storedMl = 0;
  /** The last line-pressure reading (the sensor, with noise), mmHg. */
  pressureReadingMmHg: number;
  batteryPct: number;
  conditions: DeviceConditions = {};

  #on = false;
  #flow: Flow = 'none';
  #program: InfusionProgram | null = null;
  #bolus: { volumeMl: number } | null = null;
  /** The drug last programmed: what a line still emptying into the patient carries. */
  #drug: InfusionProgram | null = null;
  // The plan for the interval from `t`: rates assumed until the next sample or machine change.
  #motorMlPerH = 0;
  #patientMlPerH = 0;
  #storedRateMlPerH = 0;
  #drainPctPerH = 0;

  constructor(input: PumpInput, rng: Rng) {
    this.settings = input.settings;
    this.error = drawDeliveryError(rng, input.settings.accuracy);
    this.pressureReadingMmHg = input.settings.linePressure.baselineMmHg;
    this.batteryPct = input.settings.battery.initialPct;
  }

  /** Noise-free line pressure now, mmHg. */
  get pressureMmHg(): number {
    return linePressure(this.storedMl, this.settings.linePressure);
  }

  /** mL/h reaching the patient over the current interval. */
  get patientRateMlPerH(): number {
    return this.#patientMlPerH;
  }

  sample(view: PumpView, input: SampleInput): readonly PumpPlantEvent[] {
    this.#advance(input.t);
    this.conditions = input.conditions;
    // Drawn every sample, on or off, so the stream stays aligned with time.
    const noise = input.rng.normal();
    this.pressureReadingMmHg = Math.max(0, this.pressureMmHg + noise * this.settings.linePressure.noiseSdMmHg);
    this.#plan();
    return this.#events(view.context);
  }

  follow(view: PumpView, t: number): void {
    this.#advance(t);
    const c = view.context;
    this.#on = view.value !== 'off';
    if (c.program !== this.#program) {
      // A new program starts its own count toward VTBI.
      if (c.program !== null) {
        this.volumeInfusedMl = 0;
        this.#drug = c.program;
      }
      this.#program = c.program;
    }
    if (c.bolus !== this.#bolus) {
      this.#bolus = c.bolus;
      this.bolusInfusedMl = 0;
    }
    this.#flow = c.flow;
    this.#plan();
  }

  /** What reaches the patient, for the patient model and the dose account. */
  delivery(): Delivery | undefined {
    const program = this.#drug;
    if (program === null) return undefined;
    // Keys in sorted order: the event log writes it inside every pump telemetry record.
    return {
      amount: round6(this.amountDelivered),
      doseRatePerH: this.#patientMlPerH * program.concentration,
      doseUnit: program.amountUnit,
      drug: program.drug,
      rateMlPerH: this.#patientMlPerH,
      volumeMl: round6(this.deliveredMl),
    };
  }

  /** Integrates the planned rates from `t` to `to`. */
  #advance(to: number): void {
    const from = this.t;
    this.t = to;
    if (from === null || to <= from) return;
    const hours = (to - from) / MS_PER_H;
    const pumped = this.#motorMlPerH * hours;
    if (this.#flow === 'bolus') this.bolusInfusedMl += pumped;
    // KVO counts as infused volume too (it is), though it no longer counts down to VTBI.
    this.volumeInfusedMl += pumped;
    const delivered = this.#patientMlPerH * hours;
    this.deliveredMl += delivered;
    if (this.#drug !== null) this.amountDelivered += delivered * this.#drug.concentration;
    this.storedMl = Math.max(0, this.storedMl + this.#storedRateMlPerH * hours);
    this.batteryPct = Math.max(0, this.batteryPct - this.#drainPctPerH * hours);
  }

  /** Plans the rates of the interval that starts now, one sample period long unless the machine moves first. */
  #plan(): void {
    const s = this.settings;
    const c = this.conditions;
    const periodMs = PUMP_SAMPLE_PERIOD_MS;
    const hours = periodMs / MS_PER_H;
    const nominal = this.#on ? motorRateMlPerH(s, this.#program, this.#flow) : 0;
    let motor = nominal;
    // The motor stops at VTBI (the bolus at its volume): the last interval runs only what is left.
    if (motor > 0 && this.#program !== null && this.#flow !== 'kvo') {
      motor = Math.min(motor, Math.max(0, this.#program.vtbiMl - this.volumeInfusedMl) / hours);
    }
    if (motor > 0 && this.#flow === 'bolus' && this.#bolus !== null) {
      motor = Math.min(motor, Math.max(0, this.#bolus.volumeMl - this.bolusInfusedMl) / hours);
    }
    this.#motorMlPerH = motor;
    // What enters the line: nothing past an upstream occlusion; otherwise the motor × the pump's and
    // set's accuracy × a mechanism fault's factor (rate.error-factor).
    const inflow =
      isOn(c, 'occlusion.upstream') || motor === 0 ? 0 : motor * deliveryFactor(this.error, nominal) * factor(c, 'rate.error-factor');
    if (isOn(c, 'occlusion.downstream')) {
      const next = storedWhileClosed(this.storedMl, inflow, periodMs, s.linePressure);
      this.#storedRateMlPerH = (next - this.storedMl) / hours;
      this.#patientMlPerH = 0;
    } else {
      // An open line passes the inflow and gives up what it stored: after an occlusion, that is a bolus.
      const released = releasedWhileOpen(this.storedMl, periodMs, s.linePressure);
      this.#storedRateMlPerH = -released / hours;
      this.#patientMlPerH = inflow + released / hours;
    }
    // A drain-factor condition means the pump runs from its battery (unplugged, or a failing cell).
    const drainFactor = Math.max(0, c['battery.drain-factor'] ?? (s.battery.mainsPowered ? 0 : 1));
    const runTimeH = this.#flow === 'none' ? s.battery.hoursIdle : s.battery.hoursPumping;
    this.#drainPctPerH = this.#on ? (100 / runTimeH) * drainFactor : 0;
  }

  /** The threshold crossings the machine has not heard of yet. */
  #events(c: PumpContext): readonly PumpPlantEvent[] {
    let out: PumpPlantEvent[] | undefined;
    // The therapy's own milestones first, then the sensors: alarms raised together keep that order.
    const p = c.program;
    if (c.flow === 'basal' && p !== null && this.volumeInfusedMl >= p.vtbiMl - 1e-9) (out ??= []).push({ type: 'infusion.vtbi-reached' });
    if (c.flow === 'bolus' && c.bolus !== null && this.bolusInfusedMl >= c.bolus.volumeMl - 1e-9) {
      (out ??= []).push({ type: 'infusion.bolus-done' });
    }
    const sensors = c.sensors;
    for (const detector of DETECTORS) {
      const on = isOn(this.conditions, detector);
      if (on !== sensors.detectors[detector]) (out ??= []).push({ type: 'detector.changed', detector, on });
    }
    const pressure = this.#pressureBand(c, sensors.pressure);
    if (pressure !== sensors.pressure)
      (out ??= []).push({ type: 'line.pressure', band: pressure, mmHg: Math.round(this.pressureReadingMmHg) });
    const battery = this.#batteryBand();
    if (battery !== sensors.battery) (out ??= []).push({ type: 'battery.level', band: battery, pct: round1(this.batteryPct) });
    return out ?? NOTHING;
  }

  #pressureBand(c: PumpContext, previous: PressureBand): PressureBand {
    const limit = occlusionLimitMmHg(c.settings);
    const p = this.pressureReadingMmHg;
    if (p >= limit) return 'over';
    // Between the limit and its hysteresis the band stays where it was, save that it leaves "over".
    if (p >= HYSTERESIS * limit) return previous === 'normal' ? 'normal' : 'elevated';
    return 'normal';
  }

  #batteryBand(): BatteryBand {
    if (this.batteryPct <= 0) return 'depleted';
    return this.batteryPct <= this.settings.battery.lowPct ? 'low' : 'ok';
  }
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
