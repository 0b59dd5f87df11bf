import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { applyEvents, createFleetModel } from '../state/fleet-model.ts';
import { FakeAgent } from '../../../test/helpers/tui/fake-run.ts';
import type { ShadowView } from '../run-like.ts';
import { DeviceDetail } from './DeviceDetail.tsx';

function pump() {
  const model = createFleetModel([{ id: 'pump-001', kind: 'infusion-pump', zone: 'ward', state: 'infusing' }]);
  const agent = new FakeAgent('pump-001', 'infusion-pump', 'ward');
  agent.stateLabel = 'hold';
  return { model, agent, view: model.devices.get('pump-001')! };
}

const shadow = (patch: Partial<ShadowView> = {}): ShadowView => ({
  online: true,
  stale: false,
  diverged: false,
  desired: {},
  reported: {},
  delta: {},
  version: 12,
  lastSeen: 60_000,
  missingTelemetry: 0,
  ...patch,
});

describe('DeviceDetail', () => {
  it('shows the live machine state, the last telemetry and a chart of believed against delivered rate', () => {
    const { model, agent, view } = pump();
    let id = 0;
    applyEvents(
      model,
      [0, 1, 2, 3].map((k) => ({
        id: ++id,
        t: 10_000 * (k + 1),
        source: 'pump-001',
        type: 'telemetry',
        data: { body: { state: 'infusing', rate: 5, drug: 'insulin', alarms: [] }, delivered: { rateMlPerH: k < 2 ? 5 : 0 } },
      })),
    );
    const { lastFrame } = render(
      <DeviceDetail view={view} agent={agent} shadow={shadow()} chartSignal={undefined} width={100} height={20} />,
    );
    const frame = lastFrame()!;
    expect(frame).toContain('pump-001');
    expect(frame).toContain('state hold');
    expect(frame).toMatch(/telemetry rate 5 {2}drug insulin/);
    expect(frame).toContain('rate in mL/h');
    expect(frame).toContain('• measured 5 · true 0');
    expect(frame).toContain('twin      online · fresh · in sync · v12 · seen 00:01:00 · 0 lost');
  });

  it('shows the link state: back online and sending its backlog', () => {
    const { agent, view } = pump();
    view.link = 'backfilling';
    view.buffered = 12;
    const { lastFrame } = render(
      <DeviceDetail view={view} agent={agent} shadow={shadow()} chartSignal={undefined} width={100} height={20} />,
    );
    expect(lastFrame()).toContain('link      backfilling (12 buffered)');
    view.link = 'degraded';
    view.buffered = 0;
    const again = render(
      <DeviceDetail view={view} agent={agent} shadow={shadow({ stale: true })} chartSignal={undefined} width={100} height={20} />,
    );
    expect(again.lastFrame()).toContain('link      degraded');
  });

  it('tells an alarm the device has but never announced (suppressed) from an announced one', () => {
    const { model, agent, view } = pump();
    applyEvents(model, [
      {
        id: 1,
        t: 5000,
        source: 'pump-001',
        type: 'alarm.raised',
        data: { alarm: { code: 'occlusion.downstream', priority: 'high', message: 'Downstream occlusion' }, suppressed: true },
      },
    ]);
    agent.activeAlarms = [
      { code: 'occlusion.downstream', priority: 'high', category: 'technical', message: 'Downstream occlusion' },
      { code: 'battery.low', priority: 'medium', category: 'technical', message: 'Battery low' },
    ];
    const frame = render(
      <DeviceDetail view={view} agent={agent} shadow={undefined} chartSignal={undefined} width={100} height={16} />,
    ).lastFrame()!;
    expect(frame).toContain('! occlusion.downstream active, NOT ANNOUNCED since 00:00:05');
    expect(frame).toContain('~ battery.low on the device, not yet announced');
  });

  it('shows what the twin wanted, what the device reports, and the delta', () => {
    const { agent, view } = pump();
    const s = shadow({
      diverged: true,
      desired: { state: 'infusing', rate: 5 },
      reported: { state: 'hold', rate: 5, battery: 80 },
      delta: { state: 'infusing' },
    });
    const frame = render(
      <DeviceDetail view={view} agent={agent} shadow={s} chartSignal={undefined} width={100} height={20} />,
    ).lastFrame()!;
    expect(frame).toContain('DIVERGED');
    expect(frame).toContain('desired   {state:infusing,rate:5}');
    expect(frame).toContain('reported  {state:hold,rate:5}');
    expect(frame).toContain('delta     {state:infusing}');
  });
});

describe('DeviceDetail chart axes (issue 18)', () => {
  it('labels the value axis in the unit, the time axis in simulated time, and draws the alarm limits crossed', async () => {
    const { render } = await import('ink-testing-library');
    const { applyEvents, createFleetModel } = await import('../state/fleet-model.ts');
    const { createTheme, ThemeProvider } = await import('../theme.tsx');
    const { DeviceDetail } = await import('./DeviceDetail.tsx');
    const model = createFleetModel([{ id: 'mon-001', kind: 'patient-monitor', zone: 'icu' }]);
    const events = Array.from({ length: 60 }, (_, i) => ({
      id: i + 1,
      t: i * 10_000,
      source: 'mon-001',
      type: 'telemetry',
      data: { body: { spo2: i < 40 ? 97 : 80 }, truth: { spo2: 97 } },
    }));
    applyEvents(model, [
      ...events,
      {
        id: 100,
        t: 590_000,
        source: 'mon-001',
        type: 'alarm.raised',
        data: { alarm: { code: 'spo2.low', priority: 'high', message: 'SpO2 low', parameter: 'spo2', value: 80, limit: 85 } },
      },
    ]);
    const frame = render(
      <ThemeProvider theme={createTheme(true)}>
        <DeviceDetail
          view={model.devices.get('mon-001')!}
          agent={undefined}
          shadow={undefined}
          chartSignal="spo2"
          width={100}
          height={24}
        />
      </ThemeProvider>,
    ).lastFrame()!;
    expect(frame).toContain('spo2 in % · last 9m50s');
    expect(frame).toContain('┄ spo2.low 85');
    expect(frame).toMatch(/ 85 %│┄+/);
    expect(frame).toMatch(/ 97 %│/);
    expect(frame).toMatch(/└─+/);
    expect(frame).toMatch(/00:00:00 +00:04:55 +00:09:50/);
  });
});
