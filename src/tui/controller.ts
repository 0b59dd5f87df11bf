import { formatDuration } from '../core/duration.ts';
import type { LoggedEvent } from '../core/event-log.ts';
import type { TargetSelector } from '../scenario/schema.ts';
import type { RunLike } from './run-like.ts';
import { EventFile } from './session/event-file.ts';
import { exportSession, type ExportOutcome } from './session/export.ts';
import { SessionRecorder } from './session/recorder.ts';

export type Speed = number | 'max';

/** What the user asked the inject menu for. */
export interface InjectRequest {
  fault: string;
  selector: TargetSelector;
  params: Record<string, unknown>;
  forMs: number | undefined;
}

/** How long quitting waits for the run to close before giving up on a stuck connection, ms. */
const CLOSE_TIMEOUT_MS = 5_000;

const FINISHED = 'the run has finished — press r to run it again, q to quit';

/**
 * The TUI's hands on the run: each key becomes one call of the Run API (the same API the CLI uses). It keeps what the UI must know — whether `runToEnd` was started — records what
 * the user did (session/recorder.ts, for a scenario of the session) and the event log (for export), and
 * turns outcomes into one-line messages for the footer.
 */
export class RunController {
  readonly #run: RunLike;
  readonly recorder = new SessionRecorder();
  readonly events = new EventFile();
  #opening: Promise<void> | undefined;
  #running: Promise<void> | undefined;
  #quitting: Promise<void> | undefined;
  #pauseOnInject = false;
  #manual = new Set<string>();
  #listener = (batch: LoggedEvent[]) => this.#onEvents(batch);
  /** Called when the run fails in the background. */
  onError: (message: string) => void = () => {};
  /** Called with what the controller did on its own (a pause on an injection). */
  onNotice: (message: string) => void = () => {};

  constructor(run: RunLike) {
    this.#run = run;
    run.on('events', this.#listener);
  }

  get run(): RunLike {
    return this.#run;
  }

  get started(): boolean {
    return this.#running !== undefined;
  }

  get pauseOnInject(): boolean {
    return this.#pauseOnInject;
  }

  /** Starts the broker and connects the fleet (the run stays at t=0 until started). */
  open(): Promise<void> {
    if (!this.#opening) {
      this.#opening = this.#run.open();
      // The event file buffers what comes before it is open.
      this.events.open().catch((error: unknown) => this.onError(`cannot keep the event log for export: ${messageOf(error)}`));
    }
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
    if (speed !== 'max') return `speed: ×${speed}`;
    const note = this.#run.maxSpeedNote;
    return note === undefined ? 'speed: as fast as the transport settles' : `speed: as fast as the transport settles — ${note}`;
  }

  /** `p`: pause the run whenever a fault is injected (by the scenario: yours you see coming). */
  togglePauseOnInject(): string {
    this.#pauseOnInject = !this.#pauseOnInject;
    return this.#pauseOnInject ? 'will pause on every injection' : 'no longer pausing on injections';
  }

  /** `a`: acknowledges the device's alarms with its kind's `acknowledge` command. */
  acknowledge(deviceId: string): string {
    return this.#send(deviceId, { type: 'acknowledge' }, 'acknowledge');
  }

  /** `m`: pauses the device's alarm audio, if its kind has a `silence` command. */
  silence(deviceId: string): string {
    return this.#send(deviceId, { type: 'silence' }, 'silence');
  }

  /** The command console: any command the device's kind accepts, checked against its schema first. */
  command(deviceId: string, command: Record<string, unknown>): { ok: boolean; message: string } {
    const message = this.#send(deviceId, command, String(command.type ?? 'command'));
    return { ok: message.includes(' sent to '), message };
  }

  /** Checks a command against the device kind's command schema, then sends it through the twin. */
  #send(deviceId: string, command: Record<string, unknown>, what: string): string {
    const agent = this.#run.agents.find((a) => a.deviceId === deviceId);
    if (!agent) return `no device ${deviceId}`;
    if (this.#run.status().phase === 'finished') return FINISHED;
    const checked = agent.descriptor.commandSchema.safeParse(command);
    if (!checked.success) {
      if (what === 'acknowledge' || what === 'silence')
        return `${agent.kind} has no ${what} command${what === 'silence' ? ' — press a to acknowledge instead' : ''}`;
      const issues = (checked as { error?: { issues?: { path: PropertyKey[]; message: string }[] } }).error?.issues ?? [];
      return `${agent.kind} does not accept this ${what}: ${issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`).join('; ')}`;
    }
    try {
      const at = this.#run.status().simMs;
      const id = this.#run.command(deviceId, command);
      this.recorder.command(at, deviceId, command);
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
      const at = this.#run.status().simMs;
      const outcome = await this.#run.inject(request.fault, request.selector, request.params, request.forMs);
      const { id, devices } = manualOf(outcome, request);
      this.#manual.add(id);
      this.recorder.inject(at, id, request.fault, devices, request.params, request.forMs);
      const { selector } = request;
      const target =
        selector.scope === 'twin' || selector.scope === 'site'
          ? `the ${selector.scope}`
          : selector.scope === 'link'
            ? `the link of ${selector.device}`
            : (selector.device ?? `zone ${selector.zone}`);
      const span = request.forMs === undefined ? '' : ` for ${formatDuration(request.forMs)}`;
      return { ok: true, message: `injected ${request.fault} on ${target}${span}` };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }

  /** "End now": reverts an active injection on one device, as its `for` running out would. */
  revert(injectionId: string, deviceId: string, fault: string): string {
    const timeline = this.#run.timeline;
    if (!timeline) return 'this run cannot end faults (Run.timeline is missing)';
    if (this.#run.status().phase === 'finished') return FINISHED;
    try {
      const at = this.#run.status().simMs;
      const ended = timeline.revert(injectionId, deviceId);
      if (ended === 0) return `${fault} is no longer active on ${deviceId}`;
      this.recorder.revert(at, injectionId, deviceId);
      return `ended ${fault} on ${deviceId}`;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** `w`: saves the event log, the session's scenario and (once finished) its report into `dir`. */
  async export(dir: string): Promise<{ ok: boolean; message: string; outcome?: ExportOutcome }> {
    try {
      const outcome = await exportSession({ run: this.#run, actions: this.recorder.actions, events: this.events, dir });
      const notes = outcome.notes.length > 0 ? ` (${outcome.notes.join('; ')})` : '';
      return { ok: true, message: `saved ${outcome.files.join(', ')} in ${dir}${notes}`, outcome };
    } catch (error) {
      return { ok: false, message: `could not save the session: ${messageOf(error)}` };
    }
  }

  /** `q`: stops the run, waits for its loop to end, and closes every connection and the broker. */
  quit(): Promise<void> {
    this.#quitting ??= (async () => {
      await this.#opening?.catch(() => {});
      this.#run.stop();
      await this.#running?.catch(() => {});
      await withTimeout(this.#run.close(), CLOSE_TIMEOUT_MS).catch(() => {});
      this.#run.off('events', this.#listener);
      await this.events.close().catch(() => {});
    })();
    return this.#quitting;
  }

  #onEvents(batch: LoggedEvent[]): void {
    this.events.write(batch);
    if (!this.#pauseOnInject || this.#run.paused) return;
    const scripted = batch.find((e) => e.type === 'fault.injected' && !this.#manual.has(String(e.data.id ?? '')));
    if (!scripted) return;
    this.#run.pause();
    this.onNotice(`paused: ${String(scripted.data.fault)} injected on ${String(scripted.data.device)} (p: stop pausing on injections)`);
  }

  #start(): void {
    this.#running = (async () => {
      await this.open();
      await this.#run.runToEnd();
    })();
    this.#running.catch((error: unknown) => this.onError(messageOf(error)));
  }
}

/** The id and devices of a manual injection, from what Run.inject returned (or the request when it says nothing). */
function manualOf(outcome: unknown, request: InjectRequest): { id: string; devices: string[] } {
  const o = outcome as { id?: unknown; devices?: unknown } | undefined;
  const id = typeof o?.id === 'string' ? o.id : typeof outcome === 'string' ? outcome : `manual-${request.fault}`;
  const devices = Array.isArray(o?.devices)
    ? o.devices.map(String)
    : typeof request.selector.device === 'string'
      ? [request.selector.device]
      : [];
  return { id, devices };
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
