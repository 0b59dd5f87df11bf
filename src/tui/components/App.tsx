import { Box, useApp } from 'ink';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { InjectRequest, RunController } from '../controller.ts';
import { KeyRouterProvider, useKeys } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import { useStoreVersion } from '../hooks/use-store.ts';
import { useTerminalSize, type TerminalSize } from '../hooks/use-terminal-size.ts';
import { SPEED_KEYS, STEP_MS } from '../keys.ts';
import { faultList } from '../run-like.ts';
import type { TuiStore } from '../store.ts';
import { plannedInjections } from '../state/timeline.ts';
import { initialUiState, searchDevices, uiReducer, type Notice, type UiAction, type UiState } from '../state/ui-state.ts';
import { DeviceDetail } from './DeviceDetail.tsx';
import { EventFeed } from './EventFeed.tsx';
import { ExpectationsPanel } from './ExpectationsPanel.tsx';
import { FeedFilterBar } from './FeedFilterBar.tsx';
import { FleetOverview, fleetTotals } from './FleetOverview.tsx';
import { Footer, SearchLine } from './Footer.tsx';
import { Header } from './Header.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { InjectMenu } from './InjectMenu.tsx';
import { layoutFleet, moveInLayout } from './fleet-layout.ts';
import { Panel } from './Panel.tsx';
import { screenLayout } from './screen-layout.ts';
import { TimelinePanel } from './TimelinePanel.tsx';

export interface AppProps {
  store: TuiStore;
  controller: RunController;
  /** Fixed terminal size (tests); otherwise the real terminal's, following resizes. */
  size?: Partial<TerminalSize>;
  /** How long a notice stays in the footer, ms (0 = until the next one). */
  noticeMs?: number;
}

/**
 * The whole TUI: the overview (fleet, timeline, expectations, feed) or one device's detail, with
 * overlays for injecting, filtering, searching and help. Keys call the Run API through the controller;
 * everything shown is derived from the run's events and status, flushed by the store.
 */
export function App(props: AppProps) {
  return (
    <KeyRouterProvider>
      <Screen {...props} />
    </KeyRouterProvider>
  );
}

function Screen({ store, controller, size, noticeMs = 6000 }: AppProps) {
  useStoreVersion(store);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(size);
  const { run, model, status } = store;
  // Live state: keys arriving in one chunk (a paste, tmux send-keys) each see what the previous one left.
  const [ui, getUi, setUi] = useLiveState<UiState>(() => initialUiState(model.order[0]));
  const dispatch = useCallback((action: UiAction) => setUi((state) => uiReducer(state, action)), [setUi]);
  const quitting = useRef(false);
  const planned = useMemo(() => plannedInjections(run.plan.timeline, run.durationMs), [run]);
  const faults = useMemo(() => faultList(run), [run]);
  const notify = (text: string, tone: Notice['tone'] = 'info') => dispatch({ type: 'notice', notice: { text, tone } });

  // biome-ignore lint/correctness/useExhaustiveDependencies: notify only dispatches; the handler is set once per controller
  useEffect(() => {
    controller.onError = (message) => notify(`run failed: ${message}`, 'error');
  }, [controller]);
  useEffect(() => {
    if (!ui.notice || noticeMs <= 0 || ui.quitting) return;
    // A real timer is fine here: it paces the display, never the simulation.
    const timer = setTimeout(() => dispatch({ type: 'notice', notice: undefined }), noticeMs);
    return () => clearTimeout(timer);
  }, [ui.notice, noticeMs, ui.quitting, dispatch]);

  const layout = screenLayout(columns, rows, store.expectations?.length ?? 0);
  const devices = model.order.map((id) => model.devices.get(id)!);
  const visibleFor = (search: string) => searchDevices(devices, search).map((d) => d.id);
  const fleetLayoutFor = (search: string) => layoutFleet(model, visibleFor(search), layout.left, layout.fleet - 1);
  const visible = visibleFor(ui.search);
  const fleetLayout = layoutFleet(model, visible, layout.left, layout.fleet - 1);
  const selectedView = ui.selected === undefined ? undefined : model.devices.get(ui.selected);
  const agent = run.agents.find((a) => a.deviceId === ui.selected);

  // While searching, keep the selection on a device the search shows.
  useEffect(() => {
    if (ui.search === '' || (ui.selected !== undefined && visible.includes(ui.selected))) return;
    if (visible[0] !== undefined) dispatch({ type: 'select', id: visible[0] });
  }, [ui.search, ui.selected, visible, dispatch]);

  const quit = () => {
    if (quitting.current) return;
    quitting.current = true;
    dispatch({ type: 'quitting' });
    void controller.quit().then(() => exit());
  };

  useKeys(
    (input, key) => {
      if (key.ctrl && input === 'c') quit();
    },
    { global: true },
  );

  useKeys(
    (input, key) => {
      const ui = getUi();
      const detail = ui.screen === 'detail';
      if (input === 'q') return quit();
      if (input === ' ') return notify(controller.toggle());
      if (input === 's') return notify(controller.step(STEP_MS));
      if (input in SPEED_KEYS) return notify(controller.setSpeed(SPEED_KEYS[input]!));
      if (input === '?') return dispatch({ type: 'overlay', overlay: 'help' });
      if (input === '/') {
        // A new search, as in less and vim: the previous one is replaced, not extended.
        dispatch({ type: 'search', query: '' });
        return dispatch({ type: 'overlay', overlay: 'search' });
      }
      if (input === 'f') return dispatch({ type: 'overlay', overlay: 'filter' });
      if (key.escape) return dispatch({ type: 'back' });
      if (key.pageUp) return dispatch({ type: 'scroll-feed', delta: Math.max(1, layout.feed - 2) });
      if (key.pageDown) return dispatch({ type: 'scroll-feed', delta: -Math.max(1, layout.feed - 2) });
      if (key.end) return dispatch({ type: 'scroll-feed', delta: -ui.feedOffset });
      if (input === 'i') {
        if (store.status.phase === 'finished') return notify('the run has finished: nothing is left to inject into', 'error');
        return ui.selected === undefined ? notify('select a device first', 'error') : dispatch({ type: 'overlay', overlay: 'inject' });
      }
      if (input === 'a' || input === 'm') {
        if (ui.selected === undefined) return notify('select a device first', 'error');
        return notify(input === 'a' ? controller.acknowledge(ui.selected) : controller.silence(ui.selected));
      }
      const selectedNow = ui.selected === undefined ? undefined : model.devices.get(ui.selected);
      if (detail && (key.leftArrow || key.rightArrow) && selectedNow) {
        const signals = selectedNow.series.signals;
        if (signals.length === 0) return;
        const i = Math.max(0, signals.indexOf(ui.chartSignal ?? signals[0]!));
        return dispatch({ type: 'chart-signal', signal: signals[(i + (key.leftArrow ? -1 : 1) + signals.length) % signals.length]! });
      }
      const dx = key.leftArrow ? -1 : key.rightArrow ? 1 : 0;
      const dy = key.upArrow ? -1 : key.downArrow ? 1 : 0;
      if (dx !== 0 || dy !== 0) {
        const now = fleetLayoutFor(ui.search);
        return dispatch({
          type: 'select',
          id: detail ? moveInLayout({ ...now, perLine: 1 }, ui.selected, 0, dy) : moveInLayout(now, ui.selected, dx, dy),
        });
      }
      if (key.return && !detail) return dispatch({ type: 'open-detail' });
    },
    { active: !ui.quitting },
  );

  const onInject = (request: InjectRequest) => {
    dispatch({ type: 'overlay', overlay: 'none' });
    notify(`injecting ${request.fault}…`);
    void controller.inject(request).then((r) => notify(r.message, r.ok ? 'info' : 'error'));
  };

  const header = (
    <Header
      scenario={run.plan.name}
      seed={run.seed}
      status={status}
      paused={run.paused}
      started={controller.started}
      brokerUrl={run.brokerUrl}
      width={layout.width}
    />
  );
  const footer =
    ui.overlay === 'search' ? (
      <SearchLine
        query={ui.search}
        onChange={(change) => dispatch({ type: 'search', query: change })}
        onDone={() => dispatch({ type: 'overlay', overlay: 'none' })}
        onCancel={() => {
          dispatch({ type: 'search', query: '' });
          dispatch({ type: 'overlay', overlay: 'none' });
        }}
      />
    ) : (
      <Footer screen={ui.screen} notice={ui.notice} width={layout.width} />
    );

  let body;
  // The filter form takes the feed's place: the right column in the wide overview, else the full width.
  const filterWidth = ui.screen === 'overview' && layout.wide ? layout.right : layout.width;
  const filterBar =
    ui.overlay === 'filter' ? (
      <FeedFilterBar
        filter={ui.feedFilter}
        zones={model.zones}
        width={filterWidth}
        onApply={(filter) => {
          dispatch({ type: 'filter', filter });
          dispatch({ type: 'overlay', overlay: 'none' });
        }}
        onCancel={() => dispatch({ type: 'overlay', overlay: 'none' })}
      />
    ) : null;
  if (ui.overlay === 'help') {
    body = <HelpOverlay width={layout.width} height={layout.body} onClose={() => dispatch({ type: 'overlay', overlay: 'none' })} />;
  } else if (ui.overlay === 'inject') {
    body = (
      <InjectMenu
        faults={faults}
        canInject={typeof run.inject === 'function'}
        deviceId={ui.selected}
        zone={selectedView?.zone}
        agent={agent}
        width={layout.width}
        height={layout.body}
        onSubmit={onInject}
        onCancel={() => dispatch({ type: 'overlay', overlay: 'none' })}
      />
    );
  } else if (ui.screen === 'detail' && selectedView) {
    const feedHeight = filterBar ? 4 : Math.max(4, Math.floor(layout.body * 0.25));
    body = (
      <Box flexDirection="column" height={layout.body}>
        <DeviceDetail
          view={selectedView}
          agent={agent}
          shadow={run.twin.shadows.get(selectedView.id)}
          chartSignal={ui.chartSignal}
          width={layout.width}
          height={layout.body - feedHeight}
        />
        {filterBar ?? (
          <EventFeed
            feed={selectedView.events}
            filter={ui.feedFilter}
            device={selectedView.id}
            offset={ui.feedOffset}
            width={layout.width}
            height={feedHeight}
          />
        )}
      </Box>
    );
  } else {
    const fleet = (
      <Panel
        title="Fleet"
        right={fleetTotals(
          visible.map((id) => model.devices.get(id)!),
          ui.search,
        )}
        width={layout.left}
        height={layout.fleet}
      >
        <FleetOverview
          model={model}
          layout={fleetLayout}
          selected={ui.selected}
          width={layout.left}
          height={layout.fleet - 1}
          search={ui.search}
        />
      </Panel>
    );
    const timeline = (
      <TimelinePanel
        simMs={status.simMs}
        durationMs={status.durationMs}
        planned={planned}
        injections={model.injections.toArray()}
        width={layout.left}
        height={layout.timeline}
      />
    );
    const expectations = (
      <ExpectationsPanel
        expectations={store.expectations}
        error={store.expectationsError}
        finished={status.phase === 'finished'}
        width={layout.right}
        height={layout.expectations}
      />
    );
    const feed = filterBar ?? (
      <EventFeed feed={model.feed} filter={ui.feedFilter} offset={ui.feedOffset} width={layout.right} height={layout.feed} />
    );
    body = layout.wide ? (
      <Box flexDirection="row" height={layout.body}>
        <Box flexDirection="column" width={layout.left}>
          {fleet}
          {timeline}
        </Box>
        <Box width={1} />
        <Box flexDirection="column" width={layout.right}>
          {expectations}
          {filterBar ? <Box height={layout.feed - 4} /> : null}
          {feed}
        </Box>
      </Box>
    ) : (
      <Box flexDirection="column" height={layout.body}>
        {fleet}
        {timeline}
        {expectations}
        {feed}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      {header}
      <Box height={layout.body} overflow="hidden">
        {body}
      </Box>
      {footer}
    </Box>
  );
}
