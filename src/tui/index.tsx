import { render } from 'ink';
import { useCallback, useState } from 'react';
import { App } from './components/App.tsx';
import { RunController } from './controller.ts';
import { mouseOff, mouseOn } from './hooks/mouse.ts';
import type { RunLike } from './run-like.ts';
import { TuiStore } from './store.ts';
import { colorDisabled, createTheme, ThemeProvider } from './theme.tsx';

export interface TuiOptions {
  /** No colour (`--no-color`); NO_COLOR in the environment turns colour off as well. */
  noColor?: boolean;
  /** Start the run as soon as the fleet is connected, instead of waiting for space. */
  autoStart?: boolean;
  /** Frames per second at most (events are batched per frame). Default 10. */
  fps?: number;
  /** Where `w` saves the session (default `medtwin-session/<scenario>-seed-<seed>`). */
  sessionDir?: string;
  /** Builds the same scenario's run again with a seed (`r`, `R`); without it the TUI cannot restart. */
  restart?: (seed: string) => RunLike;
  /** Report mouse clicks (a click selects a device); default on for a terminal. */
  mouse?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';

interface Session {
  generation: number;
  store: TuiStore;
  controller: RunController;
  detach: () => void;
}

function openSession(run: RunLike, generation: number): Session {
  const store = new TuiStore(run);
  const controller = new RunController(run);
  return { generation, store, controller, detach: store.attach() };
}

/** Starts a session's run: opens it (broker up, fleet connected), and runs it unless asked to wait. */
function begin(session: Session, autoStart: boolean | undefined): void {
  session.controller
    .open()
    .then(() => {
      session.store.flush();
      if (autoStart) session.controller.toggle();
    })
    .catch((error: unknown) =>
      session.controller.onError(`could not open the run: ${error instanceof Error ? error.message : String(error)}`),
    );
}

/** The next seed for `R`: one more for a number, else the word with "+1". */
export function nextSeed(seed: string): string {
  return /^\d+$/.test(seed) ? String(Number(seed) + 1) : `${seed}+1`;
}

/** Holds the current session; a restart quits it and puts a fresh one (new run, store, controller) in its place. */
function Root({ current, options }: { current: { session: Session }; options: TuiOptions }) {
  const [session, setSession] = useState(current.session);
  const restart = useCallback(
    (seed: string | undefined) => {
      if (!options.restart) return;
      const old = current.session;
      const next = openSession(options.restart(seed ?? nextSeed(old.controller.run.seed)), old.generation + 1);
      void old.controller.quit().then(() => {
        old.detach();
        current.session = next;
        setSession(next);
        begin(next, true);
      });
    },
    [current, options],
  );
  return (
    <App
      key={session.generation}
      store={session.store}
      controller={session.controller}
      sessionDir={options.sessionDir}
      onRestart={options.restart ? restart : undefined}
    />
  );
}

/**
 * Opens the terminal UI on a run and resolves once the user has quit: the run stopped and closed,
 * the terminal restored (main screen, cursor, cooked mode, mouse reporting off). The run is opened
 * (broker up, fleet connected) but not started: space starts it, unless `autoStart`.
 */
export async function startTui(run: RunLike, options: TuiOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const theme = createTheme(colorDisabled(options.noColor));
  // The ticker and the signal handlers act on whichever session is current (a restart replaces it).
  const current: { session: Session } = { session: openSession(run, 0) };
  // The alternate screen keeps the shell's scrollback intact and gives it back on exit.
  const fullScreen = stdout.isTTY === true;
  const mouse = fullScreen && options.mouse !== false;
  if (fullScreen) stdout.write(ALT_SCREEN_ON);
  if (mouse) stdout.write(mouseOn());

  const instance = render(
    <ThemeProvider theme={theme}>
      <Root current={current} options={options} />
    </ThemeProvider>,
    // Incremental rendering stays off: in ink 6.8 it left stale lines on screen after a layout change (seen in tmux).
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: options.fps ?? 10, incrementalRendering: false },
  );
  const ticker = setInterval(() => current.session.store.flush(), Math.round(1000 / (options.fps ?? 10)));
  const onSignal = () => void current.session.controller.quit().then(() => instance.unmount());
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    begin(current.session, options.autoStart);
    await instance.waitUntilExit();
  } finally {
    clearInterval(ticker);
    current.session.detach();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    instance.cleanup();
    if (mouse) stdout.write(mouseOff());
    if (fullScreen) stdout.write(ALT_SCREEN_OFF);
  }
}

export { App } from './components/App.tsx';
export { RunController, type InjectRequest } from './controller.ts';
export type { RunLike, TuiAgent, FaultInfo, FaultRegistry, ShadowView } from './run-like.ts';
export { TuiStore } from './store.ts';
export { createTheme, ThemeProvider } from './theme.tsx';
