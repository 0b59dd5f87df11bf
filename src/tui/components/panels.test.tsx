import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../core/event-log.ts';
import { NO_FILTER } from '../state/feed.ts';
import { applyEvents, createFleetModel } from '../state/fleet-model.ts';
import { colorDisabled, createTheme } from '../theme.tsx';
import { EventFeed } from './EventFeed.tsx';
import { ExpectationsPanel } from './ExpectationsPanel.tsx';
import { FleetOverview, fleetTotals } from './FleetOverview.tsx';
import { Header } from './Header.tsx';
import { layoutFleet } from './fleet-layout.ts';
import { TimelinePanel } from './TimelinePanel.tsx';

const states = (n: number): LoggedEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    t: (i + 1) * 1000,
    source: 'cgm-001',
    type: 'state.changed',
    data: { from: `s${i}`, to: `s${i + 1}` },
  }));

describe('EventFeed', () => {
  it('shows the newest lines that fit, and scrolls back by offset', () => {
    const model = createFleetModel([{ id: 'cgm-001', kind: 'cgm', zone: 'icu' }]);
    applyEvents(model, states(10));
    const newest = render(<EventFeed feed={model.feed} filter={NO_FILTER} offset={0} width={80} height={4} />).lastFrame()!;
    expect(newest).toContain('s9 → s10');
    expect(newest).not.toContain('s6 → s7');
    const back = render(<EventFeed feed={model.feed} filter={NO_FILTER} offset={3} width={80} height={4} />).lastFrame()!;
    expect(back).toContain('s6 → s7');
    expect(back).not.toContain('s9 → s10');
    expect(back).toContain('3 back');
  });

  it('explains an empty feed under a filter', () => {
    const model = createFleetModel([{ id: 'cgm-001', kind: 'cgm', zone: 'icu' }]);
    applyEvents(model, states(2));
    const frame = render(
      <EventFeed feed={model.feed} filter={{ ...NO_FILTER, minSeverity: 'high' }} offset={0} width={80} height={4} />,
    ).lastFrame()!;
    expect(frame).toContain('no event passes the filter');
  });
});

describe('FleetOverview', () => {
  it('draws a large fleet one character per device and names the selected one', () => {
    const model = createFleetModel(
      Array.from({ length: 600 }, (_, i) => ({
        id: `mon-${String(i + 1).padStart(3, '0')}`,
        kind: 'patient-monitor',
        zone: i < 300 ? 'icu' : 'ward',
      })),
    );
    applyEvents(model, [
      {
        id: 1,
        t: 1,
        source: 'mon-002',
        type: 'alarm.raised',
        data: { alarm: { code: 'spo2.low', priority: 'high', message: 'SpO2 low' } },
      },
    ]);
    const layout = layoutFleet(model, model.order, 80, 12);
    expect(layout.density).toBe('compact');
    const frame = render(<FleetOverview model={model} layout={layout} selected="mon-001" width={80} height={12} search="" />).lastFrame()!;
    expect(fleetTotals([...model.devices.values()], '')).toBe('600 devices · !1 high alarm · ·599 normal');
    expect(frame).toContain('icu patient-monitor 300  !1 ·299');
    expect(frame).toContain('@!·····');
    expect(frame).toContain('selected mon-001 patient-monitor · icu');
  });
});

describe('FleetOverview rows', () => {
  it("writes a device's link state in its row when it is not plainly online", () => {
    const model = createFleetModel([
      { id: 'mon-001', kind: 'patient-monitor', zone: 'icu' },
      { id: 'mon-002', kind: 'patient-monitor', zone: 'icu' },
      { id: 'mon-003', kind: 'patient-monitor', zone: 'icu' },
    ]);
    const [a, b, c] = ['mon-001', 'mon-002', 'mon-003'].map((id) => model.devices.get(id)!);
    a!.link = 'online';
    b!.link = 'backfilling';
    b!.buffered = 12;
    c!.link = 'degraded';
    const layout = layoutFleet(model, model.order, 100, 12);
    expect(layout.density).toBe('rows');
    const frame = render(
      <FleetOverview model={model} layout={layout} selected={undefined} width={100} height={12} search="" />,
    ).lastFrame()!;
    const row = (id: string) => frame.split('\n').find((l) => l.includes(id))!;
    expect(row('mon-001')).not.toMatch(/online|degraded|backfilling/);
    expect(row('mon-002')).toContain('backfilling (12 buffered)');
    expect(row('mon-003')).toContain('degraded');
  });
});

describe('TimelinePanel', () => {
  it('marks done and upcoming injections on the bar and lists them', () => {
    const frame = render(
      <TimelinePanel
        simMs={1_800_000}
        durationMs={3_600_000}
        planned={[
          { label: 'occ', fault: 'pump.occlusion', target: 'kind infusion-pump', at: 2_700_000, trigger: undefined, forMs: undefined },
        ]}
        injections={[{ id: 'd', fault: 'sensor.drift', category: 'sensor', device: 'cgm-001', at: 900_000, until: undefined, params: {} }]}
        width={61}
        height={4}
      />,
    ).lastFrame()!;
    expect(frame).toContain('50% · 1 injected · 1 to come');
    // 60 columns for 1 h: ◆ at 15 min (column 15), done to 30 min, ◇ at 45 min.
    expect(frame).toContain(` ${'█'.repeat(15)}◆${'█'.repeat(14)}${'░'.repeat(15)}◇${'░'.repeat(14)}\n`);
    expect(frame).toContain('last 00:15:00 sensor.drift on cgm-001');
    expect(frame).toContain('next 00:45:00 pump.occlusion → kind infusion-pump');
  });
});

describe('Header', () => {
  const status = {
    phase: 'running' as const,
    simMs: 60_000,
    durationMs: 3_600_000,
    wallMs: 62_000,
    speed: 1,
    messages: 10,
    delivered: 10,
    events: 40,
  };
  const header = (speed: number, achievedSpeed: number | undefined) =>
    render(
      <Header
        scenario="ward"
        seed="7"
        status={{ ...status, speed, achievedSpeed }}
        paused={false}
        started={true}
        brokerUrl="mqtt://127.0.0.1:1883"
        width={120}
      />,
    ).lastFrame()!;

  it('names the security profile beside the broker, open when the run has none', () => {
    const frame = (security: string | undefined) =>
      render(
        <Header
          scenario="ward"
          seed="7"
          status={status}
          paused={false}
          started={true}
          brokerUrl="mqtts://127.0.0.1:8883"
          security={security}
          width={120}
        />,
      ).lastFrame()!;
    expect(frame('hardened')).toContain('broker mqtts://127.0.0.1:8883 · security hardened · 10 msgs');
    expect(frame(undefined)).toContain('· security open ·');
  });

  it('says what speed a realtime run reaches when the machine falls clearly short of the asked one', () => {
    expect(header(100, 38.4)).toContain('×100 running at ×38');
    expect(header(1, 0.62)).toContain('×1 running at ×0.6');
    // Within 10 % of the asked speed, or not yet measured: nothing to say.
    expect(header(100, 95)).not.toContain('running at');
    expect(header(100, undefined)).not.toContain('running at');
  });
});

describe('theme', () => {
  it('honours NO_COLOR even when the caller passes noColor: false', () => {
    expect(colorDisabled(false, { NO_COLOR: '1' })).toBe(true);
    expect(colorDisabled(undefined, { NO_COLOR: '' })).toBe(false);
    expect(colorDisabled(true, {})).toBe(true);
    expect(createTheme(true).color('alarm-high')).toBeUndefined();
    expect(createTheme(false).color('alarm-high')).toBe('red');
  });
});

describe('ExpectationsPanel', () => {
  const e = (name: string, passed: boolean, measured: number | null, pending?: boolean) => ({
    name,
    type: 'detection',
    passed,
    measured,
    threshold: 'sensitivity >= 1',
    message: '',
    evidence: [],
    ...(pending ? { pending } : {}),
  });
  const list = [e('caught', true, 1), e('missed', false, 0), e('window open', false, 0, true), e('fault to come', false, null)];

  it('draws failing, pending and passing verdicts apart, failing first', () => {
    const frame = render(<ExpectationsPanel expectations={list} error={undefined} width={60} height={6} />).lastFrame()!;
    expect(frame.split('\n').slice(1, 5)).toEqual([
      expect.stringContaining('✗ missed 0'),
      expect.stringContaining('◌ window open 0'),
      expect.stringContaining('◌ fault to come —'),
      expect.stringContaining('✓ caught 1'),
    ]);
    expect(frame).toContain('1/4 passing so far · 2 pending');
  });

  it('has nothing pending once the run has finished', () => {
    const frame = render(<ExpectationsPanel expectations={list} error={undefined} finished width={60} height={6} />).lastFrame()!;
    expect(frame).not.toContain('◌');
    expect(frame).toContain('1/4 passing ─');
  });
});
