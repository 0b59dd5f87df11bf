import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { applyEvents, createFleetModel } from '../state/fleet-model.ts';
import { FakeAgent } from '../testing/fake-run.ts';
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
    expect(frame).toContain('rate mL/h');
    expect(frame).toContain('• measured 5 · true 0');
    expect(frame).toContain('twin      online · fresh · in sync · v12 · seen 00:01:00 · 0 lost');
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
