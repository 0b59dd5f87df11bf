import type { ImpactMetric, ImpactWindow } from './metric.ts';

/**
 * Which devices belong to which patient (the fleet plan's beds), so an impact is judged on the patient:
 * a forged bolus on a pump is read from that pump's dose account and from the glucose the same
 * patient's CGM knows.
 */
export class PatientDevices {
  readonly #patientOf = new Map<string, string>();
  readonly #devicesOf = new Map<string, string[]>();
  readonly #all: string[] = [];

  constructor(devices: readonly { id: string; patientId: string }[]) {
    for (const { id, patientId } of devices) {
      this.#patientOf.set(id, patientId);
      this.#all.push(id);
      const list = this.#devicesOf.get(patientId);
      if (list === undefined) this.#devicesOf.set(patientId, [id]);
      else list.push(id);
    }
  }

  readonly patientOf = (device: string): string | undefined => this.#patientOf.get(device);

  /** Every device of `device`'s patient (the device alone when the fleet does not know it). */
  devicesOfPatientOf(device: string): readonly string[] {
    const patient = this.#patientOf.get(device);
    return patient === undefined ? [device] : this.#devicesOf.get(patient)!;
  }

  /** The patients the devices belong to, each once with all its devices, in the order first met. */
  patientsOf(devices: readonly string[]): { patientId: string; devices: readonly string[] }[] {
    const seen = new Map<string, readonly string[]>();
    for (const d of devices) {
      const patient = this.#patientOf.get(d) ?? d;
      if (!seen.has(patient)) seen.set(patient, this.#devicesOf.get(patient) ?? [d]);
    }
    return [...seen].map(([patientId, list]) => ({ patientId, devices: list }));
  }

  /**
   * The window `metric` judges an attack on `device` over: its patient's devices, or the whole fleet
   * for a site-wide metric.
   */
  windowFor(metric: ImpactMetric, device: string, from: number, to: number): ImpactWindow {
    const devices = metric.scope === 'site' ? this.#all : this.devicesOfPatientOf(device);
    return { devices, from, to, patientOf: this.patientOf };
  }
}
