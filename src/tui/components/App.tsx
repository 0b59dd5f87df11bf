import { Box, useApp } from 'ink';
import { join } from 'node:path';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { deviceTopic, siteFilter } from '../../net/topics.ts';
import type { InjectRequest, RunController } from '../controller.ts';
import { KeyRouterProvider, useKeys, useMouse } from '../hooks/use-keys.tsx';
import { useLiveState } from '../hooks/use-live-state.ts';
import { useStoreVersion } from '../hooks/use-store.ts';
import { useTerminalSize, type TerminalSize } from '../hooks/use-terminal-size.ts';
import { faultList } from '../run-like.ts';
import type { TuiStore } from '../store.ts';
import { plannedInjections } from '../state/timeline.ts';
import { initialUiState, searchDevices, uiReducer, type Notice, type UiAction, type UiState } from '../state/ui-state.ts';
import { defaultTrafficClientId, TrafficMonitor } from '../traffic/monitor.ts';
import { CommandConsole } from './CommandConsole.tsx';
import { DeviceDetail } from './DeviceDetail.tsx';
import { EventFeed } from './EventFeed.tsx';
import { EventInspector } from './EventInspector.tsx';
import { EventLog, logItems } from './EventLog.tsx';
import { ExpectationsPanel } from './ExpectationsPanel.tsx';
import { FaultsMenu } from './FaultsMenu.tsx';
import { FeedFilterBar } from './FeedFilterBar.tsx';
import { FleetOverview, fleetTotals } from './FleetOverview.tsx';
import { Footer, SearchLine } from './Footer.tsx';
import { Header } from './Header.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { InjectMenu } from './InjectMenu.tsx';
import { deviceAt, layoutFleet } from './fleet-layout.ts';
import { Panel } from './Panel.tsx';
import { HEADER_ROWS, screenLayout } from './screen-layout.ts';
import { handleScreenKey } from './screen-keys.ts';
import { TimelinePanel } from './TimelinePanel.tsx';
import { TrafficView } from './TrafficView.tsx';

export interface AppProps {
  store: TuiStore;
  controller: RunController;
  /** Fixed terminal size (tests); otherwise the real terminal's, following resizes. */
  size?: Partial<TerminalSize>;
  /** How long a notice stays in the footer, ms (0 = until the next one). */
  noticeMs?: number;
  /** Where `w` saves the session; default `medtwin-session/<scenario>-seed-<seed>` in the working directory. */
  sessionDir?: string;
  /** Starts the scenario again with this seed (undefined: a new one); without it `r` says it cannot. */
  onRestart?: (seed: string | undefined) => void;
}

/**
 * The whole TUI: the overview (fleet, timeline, expectations, feed), one device's detail, the MQTT
 * traffic view or the event log, with menus for injecting, commanding, ending faults, filtering,
 * searching and help. Keys call the Run API through the controller; everything shown is derived from
 * the run's events and status, flushed by the store.
 */
export function App(props: AppProps) {
  return (
    <KeyRouterProvider>
      <Screen {...props} />
    </KeyRouterProvider>
  );
}

function Screen({ store, controller, size, noticeMs = 6000, sessionDir, onRestart }: AppProps) {
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
  const notify = useCallback(
    (text: string, tone: Notice['tone'] = 'info') => dispatch({ type: 'notice', notice: { text, tone } }),
    [dispatch],
  );
  const dir = sessionDir ?? join(process.cwd(), 'medtwin-session', `${run.plan.name.replace(/[^\w.-]/g, '-')}-seed-${run.seed}`);

  useEffect(() => {
    controller.onError = (message) => notify(`run failed: ${message}`, 'error');
    controller.onNotice = (message) => notify(message);
  }, [controller, notify]);
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
  const logList = logItems(model.feed, ui.feedFilter, ui.logQuery);
  const logEventId = (state: UiState = getUi()) => logItems(model.feed, state.feedFilter, state.logQuery).at(-1 - state.logCursor)?.id;

  // While searching, keep the selection on a device the search shows.
  useEffect(() => {
    if (ui.search === '' || (ui.selected !== undefined && visible.includes(ui.selected))) return;
    if (visible[0] !== undefined) dispatch({ type: 'select', id: visible[0] });
  }, [ui.search, ui.selected, visible, dispatch]);

  // The traffic view's own MQTT client lives while the view is open, on the selected device's topics.
  const [monitor, setMonitor] = useState<TrafficMonitor | undefined>(undefined);
  const trafficTopic = agent?.address ? `${deviceTopic(agent.address)}/#` : undefined;
  const trafficZone = agent?.address?.zone;
  const site = run.agents[0]?.address?.site;
  const wantTraffic = ui.screen === 'traffic' && run.brokerUrl !== undefined;
  useEffect(() => {
    if (!wantTraffic || !run.brokerUrl) return;
    const filter = trafficTopic ?? (site ? siteFilter(site) : '#');
    // On a secured run, as an identity of the run that may read the zone, with the run's TLS settings.
    let endpoint: ReturnType<NonNullable<typeof run.observerEndpoint>> | string = run.brokerUrl;
    try {
      if (run.observerEndpoint) endpoint = run.observerEndpoint(defaultTrafficClientId(), trafficZone);
    } catch (error) {
      notify(`traffic view: ${error instanceof Error ? error.message : String(error)}`, 'error');
      return;
    }
    const m = new TrafficMonitor(endpoint, filter);
    setMonitor(m);
    m.start().catch((error: unknown) => notify(`traffic view: ${error instanceof Error ? error.message : String(error)}`, 'error'));
    return () => {
      setMonitor(undefined);
      void m.stop();
    };
  }, [wantTraffic, run, run.brokerUrl, trafficTopic, trafficZone, site, notify]);
  const [topicDraft, setTopicDraft] = useState('');
  // The topic line starts from the filter being watched.
  useEffect(() => {
    if (ui.overlay === 'topic') setTopicDraft(monitor?.filter ?? '');
  }, [ui.overlay, monitor]);

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
    (input, key) =>
      handleScreenKey(
        {
          ui: getUi(),
          dispatch,
          notify,
          quit,
          controller,
          store,
          fleetLayoutFor,
          feedPage: Math.max(1, layout.feed - 2),
          logCount: logList.length,
          logPage: Math.max(1, layout.body - 3),
          logEventId: () => logEventId(),
          sessionDir: dir,
          restart: onRestart,
        },
        input,
        key,
      ),
    { active: !ui.quitting },
  );

  // Where the terminal supports it: a click selects a device in the fleet (a second click opens it),
  // the wheel scrolls the feed or moves the event log's cursor.
  useMouse((event) => {
    const now = getUi();
    if (now.overlay !== 'none' || now.quitting) return;
    if (event.button === 64 || event.button === 65) {
      const delta = event.button === 64 ? 3 : -3;
      if (now.screen === 'log') dispatch({ type: 'log-cursor', delta, max: Math.max(0, logList.length - 1) });
      else dispatch({ type: 'scroll-feed', delta });
      return;
    }
    if (event.button !== 0 || !event.press || now.screen !== 'overview') return;
    // The fleet panel's title is the first row under the header; its lines follow.
    const column = event.column - 1;
    const row = event.row - 1 - HEADER_ROWS - 1;
    if (column >= layout.left) return;
    const id = deviceAt(fleetLayoutFor(now.search), now.selected, layout.fleet - 1, column, row);
    if (id === undefined) return;
    if (id === now.selected) dispatch({ type: 'open-detail' });
    else dispatch({ type: 'select', id });
  });

  const closeOverlay = () => dispatch({ type: 'overlay', overlay: 'none' });
  const onInject = (request: InjectRequest) => {
    closeOverlay();
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
      security={run.security?.config.profile}
      width={layout.width}
    />
  );
  let footer = <Footer screen={ui.screen} notice={ui.notice} width={layout.width} />;
  if (ui.overlay === 'search')
    footer = (
      <SearchLine
        query={ui.search}
        onChange={(change) => dispatch({ type: 'search', query: change })}
        onDone={closeOverlay}
        onCancel={() => {
          dispatch({ type: 'search', query: '' });
          closeOverlay();
        }}
      />
    );
  else if (ui.overlay === 'find')
    footer = (
      <SearchLine
        query={ui.logQuery}
        hint="find in the event log · enter keep · esc clear"
        onChange={(change) => dispatch({ type: 'log-query', query: change })}
        onDone={closeOverlay}
        onCancel={() => {
          dispatch({ type: 'log-query', query: '' });
          closeOverlay();
        }}
      />
    );
  else if (ui.overlay === 'topic')
    footer = (
      <SearchLine
        query={topicDraft}
        hint="MQTT topic filter, e.g. medtwin/+/icu/# · enter watch · esc cancel"
        onChange={(change) => setTopicDraft(change)}
        onDone={() => {
          if (topicDraft.trim() !== '') void monitor?.setFilter(topicDraft.trim());
          closeOverlay();
        }}
        onCancel={closeOverlay}
      />
    );

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
          closeOverlay();
        }}
        onCancel={closeOverlay}
      />
    ) : null;

  let body;
  if (ui.overlay === 'help') {
    body = <HelpOverlay width={layout.width} height={layout.body} onClose={closeOverlay} />;
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
        onCancel={closeOverlay}
      />
    );
  } else if (ui.overlay === 'command') {
    body = (
      <CommandConsole
        agent={agent}
        width={layout.width}
        height={layout.body}
        onCancel={closeOverlay}
        onSend={(command) => {
          const outcome = controller.command(ui.selected!, command);
          if (outcome.ok) {
            closeOverlay();
            notify(outcome.message);
          }
          return outcome;
        }}
      />
    );
  } else if (ui.overlay === 'faults') {
    body = (
      <FaultsMenu
        deviceId={ui.selected}
        active={(run.timeline?.active() ?? []).filter((f) => f.device === ui.selected)}
        width={layout.width}
        height={layout.body}
        onCancel={closeOverlay}
        onEnd={(f) => {
          closeOverlay();
          notify(controller.revert(f.id, f.device, f.fault));
        }}
      />
    );
  } else if (ui.overlay === 'inspect') {
    const id = logEventId(ui);
    body = (
      <EventInspector
        event={id === undefined ? undefined : model.recent.get(id)}
        id={id}
        expectations={store.expectations}
        width={layout.width}
        height={layout.body}
        onClose={closeOverlay}
      />
    );
  } else if (ui.screen === 'traffic') {
    body = (
      <TrafficView
        monitor={monitor}
        unavailable={run.brokerUrl === undefined ? 'the broker is not up yet' : undefined}
        device={monitor?.filter === trafficTopic ? ui.selected : undefined}
        shadow={ui.selected === undefined ? undefined : run.twin.shadows.get(ui.selected)}
        width={layout.width}
        height={layout.body}
      />
    );
  } else if (ui.screen === 'log') {
    body = filterBar ?? <EventLog items={logList} cursor={ui.logCursor} query={ui.logQuery} width={layout.width} height={layout.body} />;
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
    body = (
      <Overview
        store={store}
        ui={ui}
        layout={layout}
        fleetLayout={fleetLayout}
        visible={visible}
        planned={planned}
        feed={
          filterBar ?? (
            <EventFeed feed={model.feed} filter={ui.feedFilter} offset={ui.feedOffset} width={layout.right} height={layout.feed} />
          )
        }
        filterOpen={filterBar !== null}
      />
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

/** Fleet and timeline beside (or above) the expectations and the feed. */
function Overview({
  store,
  ui,
  layout,
  fleetLayout,
  visible,
  planned,
  feed,
  filterOpen,
}: {
  store: TuiStore;
  ui: UiState;
  layout: ReturnType<typeof screenLayout>;
  fleetLayout: ReturnType<typeof layoutFleet>;
  visible: string[];
  planned: ReturnType<typeof plannedInjections>;
  feed: ReactNode;
  filterOpen: boolean;
}) {
  const { model, status } = store;
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
  return layout.wide ? (
    <Box flexDirection="row" height={layout.body}>
      <Box flexDirection="column" width={layout.left}>
        {fleet}
        {timeline}
      </Box>
      <Box width={1} />
      <Box flexDirection="column" width={layout.right}>
        {expectations}
        {filterOpen ? <Box height={layout.feed - 4} /> : null}
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
