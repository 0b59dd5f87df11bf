import { render } from 'ink-testing-library';
import { expect, vi } from 'vitest';
import { App } from '../../../src/tui/components/App.tsx';
import { RunController } from '../../../src/tui/controller.ts';
import type { RunLike } from '../../../src/tui/run-like.ts';
import { TuiStore } from '../../../src/tui/store.ts';
import { createTheme, ThemeProvider } from '../../../src/tui/theme.tsx';

export const KEY = {
  enter: '\r',
  esc: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageUp: '\x1b[5~',
  ctrlC: '\x03',
} as const;

/**
 * Renders the whole TUI on a run at a fixed size and waits until it listens to the keyboard. `flush`
 * pushes what the run emitted into the view (the 10 fps ticker's job in the real program).
 */
export async function mountApp(run: RunLike, size = { columns: 100, rows: 30 }) {
  const store = new TuiStore(run, { expectationsEvery: 1 });
  store.attach();
  store.flush();
  const controller = new RunController(run);
  const r = render(
    <ThemeProvider theme={createTheme(true)}>
      <App store={store} controller={controller} size={size} noticeMs={0} />
    </ThemeProvider>,
  );
  // ink subscribes to stdin in an effect; keys written before that would be lost.
  await vi.waitFor(() => expect(r.stdin.listenerCount('readable')).toBeGreaterThan(0));
  const frame = () => r.lastFrame() ?? '';
  return {
    ...r,
    store,
    controller,
    frame,
    /** Types keys, then waits until the frame shows `expected`. */
    async press(keys: string, expected: string | RegExp) {
      r.stdin.write(keys);
      // Keys are handed out one at a time, each once React has committed what its predecessor caused.
      await vi.waitFor(() => expect(frame()).toMatch(expected), { timeout: 5000 + 1000 * keys.length });
    },
    /** Types keys, then waits until the frame no longer shows `gone` (a closed menu, a cleared line). */
    async pressUntilGone(keys: string, gone: string | RegExp) {
      r.stdin.write(keys);
      await vi.waitFor(() => expect(frame()).not.toMatch(gone), { timeout: 5000 + 1000 * keys.length });
    },
    async flush(expected: string | RegExp) {
      store.flush();
      await vi.waitFor(() => expect(frame()).toMatch(expected), { timeout: 5000 });
    },
  };
}
