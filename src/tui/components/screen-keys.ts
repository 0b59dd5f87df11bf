import type { Key } from 'ink';
import type { RunController } from '../controller.ts';
import { SPEED_KEYS, STEP_MS } from '../keys.ts';
import type { TuiStore } from '../store.ts';
import type { Notice, UiAction, UiState } from '../state/ui-state.ts';
import { moveInLayout, type FleetLayout } from './fleet-layout.ts';

/** What a key on a screen (no menu open) needs to act. */
export interface ScreenKeyContext {
  ui: UiState;
  dispatch(action: UiAction): void;
  notify(text: string, tone?: Notice['tone']): void;
  quit(): void;
  controller: RunController;
  store: TuiStore;
  /** The fleet as laid out for a search (selection moves follow what is drawn). */
  fleetLayoutFor(search: string): FleetLayout;
  /** Lines a page of the feed scrolls. */
  feedPage: number;
  /** Lines of the event log, and a page of it. */
  logCount: number;
  logPage: number;
  /** The id of the event under the event log's cursor. */
  logEventId(): number | undefined;
  /** Where `w` saves the session. */
  sessionDir: string;
  /** Starts the scenario again: the same seed, or `undefined` for a new one. Absent where the caller cannot. */
  restart?: (seed: string | undefined) => void;
}

/**
 * Every key of the screens (fleet, device, traffic, event log): one call of the controller or one
 * change of what is shown. Menus open on top take their keys themselves (layer 1 of the key router).
 */
export function handleScreenKey(c: ScreenKeyContext, input: string, key: Key): void {
  const { ui, dispatch, notify, controller, store } = c;
  const screen = ui.screen;
  const selected = ui.selected;
  if (input === 'q') return c.quit();
  if (input === ' ') return notify(controller.toggle());
  if (input === 's') return notify(controller.step(STEP_MS));
  if (input in SPEED_KEYS) return notify(controller.setSpeed(SPEED_KEYS[input]!));
  if (input === 'p') return notify(controller.togglePauseOnInject());
  if (input === '?') return dispatch({ type: 'overlay', overlay: 'help' });
  if (input === '/') {
    if (screen === 'traffic') return dispatch({ type: 'overlay', overlay: 'topic' });
    if (screen === 'log') return dispatch({ type: 'overlay', overlay: 'find' });
    // A new search, as in less and vim: the previous one is replaced, not extended.
    dispatch({ type: 'search', query: '' });
    return dispatch({ type: 'overlay', overlay: 'search' });
  }
  if (input === 'f') return dispatch({ type: 'overlay', overlay: 'filter' });
  if (key.escape) return dispatch({ type: 'back' });
  if (screen === 'log') {
    if (key.upArrow || key.downArrow || key.pageUp || key.pageDown) {
      const delta = key.upArrow ? 1 : key.downArrow ? -1 : key.pageUp ? c.logPage : -c.logPage;
      return dispatch({ type: 'log-cursor', delta, max: Math.max(0, c.logCount - 1) });
    }
    if (key.end) return dispatch({ type: 'log-cursor', delta: -ui.logCursor, max: 0 });
    if (key.return) return c.logEventId() === undefined ? notify('no event to inspect') : dispatch({ type: 'overlay', overlay: 'inspect' });
  }
  if (key.pageUp) return dispatch({ type: 'scroll-feed', delta: c.feedPage });
  if (key.pageDown) return dispatch({ type: 'scroll-feed', delta: -c.feedPage });
  if (key.end) return dispatch({ type: 'scroll-feed', delta: -ui.feedOffset });
  if (input === 't') return dispatch({ type: 'open-screen', screen: 'traffic' });
  if (input === 'l') return dispatch({ type: 'open-screen', screen: 'log' });
  if (input === 'w') {
    notify(`saving the session in ${c.sessionDir}…`);
    void controller.export(c.sessionDir).then((r) => notify(r.message, r.ok ? 'info' : 'error'));
    return;
  }
  if (input === 'r' || input === 'R') {
    if (!c.restart) return notify('this session cannot start its scenario again', 'error');
    return c.restart(input === 'r' ? controller.run.seed : undefined);
  }
  if (input === 'i' || input === 'c' || input === 'x' || input === 'a' || input === 'm') {
    if (store.status.phase === 'finished') return notify('the run has finished: r runs it again, w saves it', 'error');
    if (selected === undefined) return notify('select a device first', 'error');
    if (input === 'i') return dispatch({ type: 'overlay', overlay: 'inject' });
    if (input === 'c') return dispatch({ type: 'overlay', overlay: 'command' });
    if (input === 'x') return dispatch({ type: 'overlay', overlay: 'faults' });
    return notify(input === 'a' ? controller.acknowledge(selected) : controller.silence(selected));
  }
  const detail = screen === 'detail';
  const selectedView = selected === undefined ? undefined : store.model.devices.get(selected);
  if (detail && (key.leftArrow || key.rightArrow) && selectedView) {
    const signals = selectedView.series.signals;
    if (signals.length === 0) return;
    const i = Math.max(0, signals.indexOf(ui.chartSignal ?? signals[0]!));
    return dispatch({ type: 'chart-signal', signal: signals[(i + (key.leftArrow ? -1 : 1) + signals.length) % signals.length]! });
  }
  const dx = key.leftArrow ? -1 : key.rightArrow ? 1 : 0;
  const dy = key.upArrow ? -1 : key.downArrow ? 1 : 0;
  if (dx !== 0 || dy !== 0) {
    const layout = c.fleetLayoutFor(ui.search);
    // On a device's own screens ↑↓ step through the devices one by one.
    const one = screen !== 'overview';
    if (one && dy === 0) return;
    return dispatch({
      type: 'select',
      id: one ? moveInLayout({ ...layout, perLine: 1 }, selected, 0, dy) : moveInLayout(layout, selected, dx, dy),
    });
  }
  if (key.return && screen === 'overview') return dispatch({ type: 'open-detail' });
}
