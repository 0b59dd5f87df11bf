import { NO_FILTER, type FeedFilter } from './feed.ts';

/** What fills the body: the fleet, one device, the MQTT traffic view, the event log browser. */
export type Screen = 'overview' | 'detail' | 'traffic' | 'log';
export type Overlay =
  | 'none'
  | 'help'
  | 'inject'
  | 'filter'
  | 'search'
  | 'command'
  | 'faults'
  /** The traffic view's topic filter line. */
  | 'topic'
  /** The event log's text search line. */
  | 'find'
  /** One event in full (from the event log). */
  | 'inspect';

export interface Notice {
  text: string;
  tone: 'info' | 'error';
}

/** What the user is looking at. Simulation state lives in the run; this is only the view. */
export interface UiState {
  screen: Screen;
  overlay: Overlay;
  /** The selected device id. */
  selected: string | undefined;
  /** Device search: the fleet shows only ids/kinds/zones containing it. */
  search: string;
  feedFilter: FeedFilter;
  /** Feed lines scrolled back from the newest. */
  feedOffset: number;
  /** The signal the detail chart plots; the device's first when unset. */
  chartSignal: string | undefined;
  /** The screen esc goes back to from the traffic view or the event log. */
  previous: 'overview' | 'detail';
  /** The event log browser: its text search and the line of the cursor, counted back from the newest. */
  logQuery: string;
  logCursor: number;
  notice: Notice | undefined;
  /** Set once `q` is pressed: the run is being stopped and closed. */
  quitting: boolean;
}

export type UiAction =
  | { type: 'select'; id: string | undefined }
  | { type: 'open-detail' }
  | { type: 'close-detail' }
  | { type: 'open-screen'; screen: 'traffic' | 'log' }
  | { type: 'log-query'; query: string | ((query: string) => string) }
  | { type: 'log-cursor'; delta: number; max: number }
  | { type: 'overlay'; overlay: Overlay }
  | { type: 'search'; query: string | ((query: string) => string) }
  | { type: 'filter'; filter: FeedFilter }
  | { type: 'scroll-feed'; delta: number }
  | { type: 'chart-signal'; signal: string }
  | { type: 'notice'; notice: Notice | undefined }
  | { type: 'quitting' }
  /** Esc: close the overlay, else leave the detail, else clear the search. */
  | { type: 'back' };

export function initialUiState(selected?: string): UiState {
  return {
    screen: 'overview',
    overlay: 'none',
    selected,
    search: '',
    feedFilter: NO_FILTER,
    feedOffset: 0,
    chartSignal: undefined,
    previous: 'overview',
    logQuery: '',
    logCursor: 0,
    notice: undefined,
    quitting: false,
  };
}

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'select':
      return action.id === state.selected ? state : { ...state, selected: action.id, chartSignal: undefined };
    case 'open-detail':
      return state.selected === undefined ? state : { ...state, screen: 'detail', overlay: 'none' };
    case 'close-detail':
      return { ...state, screen: 'overview' };
    case 'open-screen':
      if (state.screen === action.screen) return state;
      return {
        ...state,
        screen: action.screen,
        overlay: 'none',
        previous: state.screen === 'detail' ? 'detail' : 'overview',
        logCursor: 0,
      };
    case 'log-query': {
      const query = typeof action.query === 'function' ? action.query(state.logQuery) : action.query;
      return { ...state, logQuery: query, logCursor: 0 };
    }
    case 'log-cursor':
      return { ...state, logCursor: Math.max(0, Math.min(action.max, state.logCursor + action.delta)) };
    case 'overlay':
      return { ...state, overlay: action.overlay };
    case 'search':
      return { ...state, search: typeof action.query === 'function' ? action.query(state.search) : action.query };
    case 'filter':
      return { ...state, feedFilter: action.filter, feedOffset: 0 };
    case 'scroll-feed':
      return { ...state, feedOffset: Math.max(0, state.feedOffset + action.delta) };
    case 'chart-signal':
      return { ...state, chartSignal: action.signal };
    case 'notice':
      return { ...state, notice: action.notice };
    case 'quitting':
      return { ...state, quitting: true, overlay: 'none', notice: { text: 'stopping the run and closing connections…', tone: 'info' } };
    case 'back':
      if (state.overlay !== 'none') return { ...state, overlay: 'none' };
      if (state.screen === 'traffic' || state.screen === 'log')
        return { ...state, screen: state.previous === 'detail' && state.selected !== undefined ? 'detail' : 'overview' };
      if (state.screen === 'detail') return { ...state, screen: 'overview' };
      if (state.search !== '') return { ...state, search: '' };
      return { ...state, notice: undefined };
  }
}

/** Devices the search leaves visible: ids, kinds or zones containing the query (case-insensitive). */
export function searchDevices<T extends { id: string; kind: string; zone: string }>(devices: readonly T[], query: string): T[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...devices];
  return devices.filter((d) => d.id.toLowerCase().includes(q) || d.kind.toLowerCase().includes(q) || d.zone.toLowerCase().includes(q));
}

/** The id `delta` places away from `current` in `ids`, clamped to the ends; the first id when none is current. */
export function moveSelection(ids: readonly string[], current: string | undefined, delta: number): string | undefined {
  if (ids.length === 0) return undefined;
  const i = current === undefined ? -1 : ids.indexOf(current);
  if (i < 0) return ids[0];
  return ids[Math.max(0, Math.min(ids.length - 1, i + delta))];
}
