import { render } from 'ink';
import { App } from './components/App.tsx';
import { RunController } from './controller.ts';
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
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';

/**
 * Opens the terminal UI on a run and resolves once the user has quit: the run stopped and closed,
 * the terminal restored (main screen, cursor, cooked mode). The run is opened (broker up, fleet
 * connected) but not started: space starts it, unless `autoStart`.
 */
export async function startTui(run: RunLike, options: TuiOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const store = new TuiStore(run);
  const controller = new RunController(run);
  const theme = createTheme(colorDisabled(options.noColor));
  const detach = store.attach();
  // The alternate screen keeps the shell's scrollback intact and gives it back on exit.
  const fullScreen = stdout.isTTY === true;
  if (fullScreen) stdout.write(ALT_SCREEN_ON);
  const instance = render(
    <ThemeProvider theme={theme}>
      <App store={store} controller={controller} />
    </ThemeProvider>,
    // Incremental rendering stays off: in ink 6.8 it left stale lines on screen after a layout change (seen in tmux).
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: options.fps ?? 10, incrementalRendering: false },
  );
  const ticker = setInterval(() => store.flush(), Math.round(1000 / (options.fps ?? 10)));
  const onSignal = () => void controller.quit().then(() => instance.unmount());
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    controller
      .open()
      .then(() => {
        store.flush();
        if (options.autoStart) controller.toggle();
      })
      .catch((error: unknown) => controller.onError(`could not open the run: ${error instanceof Error ? error.message : String(error)}`));
    await instance.waitUntilExit();
  } finally {
    clearInterval(ticker);
    detach();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    instance.cleanup();
    if (fullScreen) stdout.write(ALT_SCREEN_OFF);
  }
}

export { App } from './components/App.tsx';
export { RunController, type InjectRequest } from './controller.ts';
export type { RunLike, TuiAgent, FaultInfo, FaultRegistry, ShadowView } from './run-like.ts';
export { TuiStore } from './store.ts';
export { createTheme, ThemeProvider } from './theme.tsx';
