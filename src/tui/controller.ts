import { formatDuration } from '../core/duration.ts';
import type { Selector } from '../scenario/schema.ts';
import type { RunLike } from './run-like.ts';

export type Speed = number | 'max';

/** What the user asked the inject menu for. */
export interface InjectRequest {
  fault: string;
  selector: Selector;
  params: Record<string, unknown>;
  forMs: number | undefined;
}

const FINISHED = 'the run has finished — press q to quit';

/** How long quitting waits for the run to close before giving up on a stuck connection, ms. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * The TUI's hands on the run: each key becomes one call of the Run API (the same API the CLI and
 * tabletop mode use). It only keeps what the UI must know — whether `runToEnd` was started — and
 * turns outcomes into one-line messages for the footer.
 */
export class RunController {
  readonly #run: RunLike;
  #opening: Promise<void> | undefined;
  #running: Promise<void> | undefined;
  #quitting: Promise<void> | undefined;
  /** Called when the run fails in the background. */
  onError: (message: string) => void = () => {};

  constructor(run: RunLike) {
    this.#run = run;
  }

  get started(): boolean {
    return this.#running !== undefined;
  }

  /** Starts the broker and connects the fleet (the run stays at t=0 until started). */
  open(): Promise<void> {
    this.#opening ??= this.#run.open();
    return this.#opening;
  }

  /** Space: starts the run the first time, then pauses and resumes it. Returns what happened. */
  toggle(): string {
    if (this.#quitting) return 'quitting';
    if (this.#run.status().phase === 'finished') return FINISHED;
    if (!this.#running) {
      this.#start();
      return 'running';
    }
    if (this.#run.paused) {
      this.#run.resume();
      return 'resumed';
    }
    this.#run.pause();
    return 'paused';
  }

  /** `s`: runs `ms` of simulation time, then pauses. */
  step(ms: number): string {
    if (this.#quitting) return 'quitting';
    if (this.#run.status().phase === 'finished') return FINISHED;
    this.#run.step(ms);
    if (!this.#running) this.#start();
    return `stepping ${formatDuration(ms)}`;
  }

  setSpeed(speed: Speed): string {
    this.#run.setSpeed(speed);
    return speed === 'max' ? 'speed: as fast as the transport settles' : `speed: ×${speed}`;
  }

  /** `a`: acknowledges the device's alarms with its kind's `acknowledge` command. */
  acknowledge(deviceId: string): string {
    return this.#send(deviceId, { type: 'acknowledge' }, 'acknowledge');
  }

  /** `m`: pauses the device's alarm audio, if its kind has a `silence` command. */
  silence(deviceId: string): string {
    return this.#send(deviceId, { type: 'silence' }, 'silence');
  }

  /** Checks a command against the device kind's command schema, then sends it through the twin. */
  #send(deviceId: string, command: Record<string, unknown>, what: string): string {
    const agent = this.#run.agents.find((a) => a.deviceId === deviceId);
    if (!agent) return `no device ${deviceId}`;
    if (!agent.descriptor.commandSchema.safeParse(command).success) {
      return `${agent.kind} has no ${what} command${what === 'silence' ? ' — press a to acknowledge instead' : ''}`;
    }
    try {
      const id = this.#run.command(deviceId, command);
      return `${what} sent to ${deviceId} (${id})`;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** `i`: injects a registered fault now. Resolves to a message for the footer; never rejects. */
  async inject(request: InjectRequest): Promise<{ ok: boolean; message: string }> {
    if (!this.#run.inject) return { ok: false, message: 'this run cannot inject faults (Run.inject is missing)' };
    // After the end nothing advances the clock: an injection would be recorded and never act.
    if (this.#run.status().phase === 'finished') return { ok: false, message: FINISHED };
    try {
      await this.#run.inject(request.fault, request.selector, request.params, request.forMs);
      const target = request.selector.device ?? `zone ${request.selector.zone}`;
      const span = request.forMs === undefined ? '' : ` for ${formatDuration(request.forMs)}`;
      return { ok: true, message: `injected ${request.fault} on ${target}${span}` };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }

  /** `q`: stops the run, waits for its loop to end, and closes every connection and the broker. */
  quit(): Promise<void> {
    this.#quitting ??= (async () => {
      await this.#opening?.catch(() => {});
      this.#run.stop();
      await this.#running?.catch(() => {});
      await withTimeout(this.#run.close(), CLOSE_TIMEOUT_MS).catch(() => {});
    })();
    return this.#quitting;
  }

  #start(): void {
    this.#running = (async () => {
      await this.open();
      await this.#run.runToEnd();
    })();
    this.#running.catch((error: unknown) => this.onError(messageOf(error)));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
