/** A fault injected by hand, on one device (an injection on a zone is recorded once per device it hit). */
export interface RecordedInjection {
  kind: 'inject';
  /** Simulation time it was applied, ms. */
  at: number;
  /** The run's id of the injection (`manual-1`); several devices share it. */
  id: string;
  fault: string;
  device: string;
  params: Record<string, unknown>;
  /** How long it lasted: asked for, or until it was ended by hand. Undefined: to the end of the run. */
  forMs: number | undefined;
}

/** A command sent by hand through the twin. */
export interface RecordedCommand {
  kind: 'command';
  at: number;
  device: string;
  command: Record<string, unknown>;
}

export type RecordedAction = RecordedInjection | RecordedCommand;

/**
 * What the person at the terminal did to the run, in simulation time: injections (and when they were
 * ended), commands. Written out as a scenario timeline, it makes a finding at the terminal a CI test
 * (session/scenario-file.ts).
 */
export class SessionRecorder {
  readonly #actions: RecordedAction[] = [];

  get actions(): readonly RecordedAction[] {
    return this.#actions;
  }

  inject(
    at: number,
    id: string,
    fault: string,
    devices: readonly string[],
    params: Record<string, unknown>,
    forMs: number | undefined,
  ): void {
    for (const device of devices) this.#actions.push({ kind: 'inject', at, id, fault, device, params, forMs });
  }

  /** An injection ended by hand at `at` (on one device, or every device it hit). */
  revert(at: number, id: string, device?: string): void {
    for (const a of this.#actions) {
      if (a.kind !== 'inject' || a.id !== id || (device !== undefined && a.device !== device)) continue;
      const lasted = Math.max(0, at - a.at);
      if (a.forMs === undefined || lasted < a.forMs) a.forMs = lasted;
    }
  }

  command(at: number, device: string, command: Record<string, unknown>): void {
    this.#actions.push({ kind: 'command', at, device, command });
  }
}
