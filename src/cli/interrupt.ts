import { EXIT } from '../core/errors.ts';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * SIGINT and SIGTERM for a command that runs simulations: the first one aborts `signal` (the run stops
 * at the current simulated time, its partial report is written, marked interrupted, and the broker
 * is taken down by the command's own cleanup); a second one, or `graceMs` without the command
 * finishing, runs `forceCleanup` (which must take the broker down) and exits at once. Without this a
 * killed run of more than 4,000 devices left its child broker holding the port.
 */
export class Interrupt {
  readonly #controller = new AbortController();
  #received: StopSignal | undefined;
  #forcing = false;
  #uninstall: (() => void) | undefined;

  constructor(
    private readonly forceCleanup: () => Promise<void>,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
    private readonly graceMs = 60_000,
  ) {}

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal received, if any. */
  get received(): StopSignal | undefined {
    return this.#received;
  }

  /** The exit code an interrupted command ends with: 130 for SIGINT, 143 for SIGTERM (128 + signal). */
  get exitCode(): number | undefined {
    return this.#received === undefined ? undefined : this.#received === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
  }

  install(): this {
    const onSignal = (signal: StopSignal) => this.#onSignal(signal);
    const onInt = () => onSignal('SIGINT');
    const onTerm = () => onSignal('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    this.#uninstall = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
    return this;
  }

  uninstall(): void {
    this.#uninstall?.();
    this.#uninstall = undefined;
  }

  #onSignal(signal: StopSignal): void {
    if (this.#received !== undefined) {
      void this.#force(`${signal} again`);
      return;
    }
    this.#received = signal;
    this.stderr.write(
      `\nmedtwin: ${signal}: stopping the run and writing its partial report (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)\n`,
    );
    // The reason names the signal: a study marks its partial report with it.
    this.#controller.abort(signal);
    // A command that cannot wind down in time (a fleet still connecting, a broker that will not close)
    // must still end, and end without leaving its broker behind.
    setTimeout(() => void this.#force(`not stopped within ${this.graceMs / 1000} s`), this.graceMs).unref();
  }

  async #force(why: string): Promise<void> {
    if (this.#forcing) return;
    this.#forcing = true;
    this.stderr.write(`medtwin: ${why}: taking the broker down and quitting without a report\n`);
    try {
      await this.forceCleanup();
    } finally {
      process.exit(this.exitCode ?? EXIT.interrupted);
    }
  }
}
