import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { applyFault, makeAgent, TestPatient, vitalTruth } from '../../test/helpers/inject-fixtures.ts';

const MINUTE = 60_000;

/*
 * The fault library against the real device models: a fault's condition name or signal is only useful
 * if the model it targets reacts to it. Each test asserts the alarm or reading the fault should cause.
 */
describe('faults on the real device models', () => {
  it('device.occlusion-downstream makes an infusing pump raise its occlusion alarm; revert lets it clear', () => {
    const { agent, clock, log } = makeAgent({
      id: 'pump-001',
      descriptor: DEVICES['infusion-pump'],
      profile: { drug: 'normal-saline', rate: 100, vtbi: 1000 },
    });
    clock.advance(MINUTE);
    expect(agent.stateLabel).toBe('infusing');
    expect(agent.activeAlarms.map((a) => a.code)).not.toContain('occlusion.downstream');
    applyFault(agent, clock, log, 'device.occlusion-downstream');
    clock.advance(5 * MINUTE);
    expect(log.ofType('alarm.raised').map((e) => (e.data.alarm as { code: string }).code)).toContain('occlusion.downstream');
  });

  it('device.spo2-probe-off makes a monitor raise spo2.probe-off', () => {
    const { agent, clock, log } = makeAgent({
      id: 'mon-001',
      descriptor: DEVICES['patient-monitor'],
      patient: new TestPatient('P-001', vitalTruth),
    });
    clock.advance(MINUTE);
    applyFault(agent, clock, log, 'device.spo2-probe-off');
    clock.advance(MINUTE);
    expect(agent.activeAlarms.map((a) => a.code)).toContain('spo2.probe-off');
  });

  it('cgm.compression-low lowers what the CGM reads by the depth', () => {
    const { agent, clock, log } = makeAgent({ id: 'cgm-001', descriptor: DEVICES.cgm, patient: new TestPatient('P-001', vitalTruth) });
    clock.advance(10 * MINUTE);
    expect(agent.lastMeasured.glucose).toBe(120);
    applyFault(agent, clock, log, 'cgm.compression-low', { depth: 50, onset: 0 });
    clock.advance(10 * MINUTE);
    expect(agent.lastMeasured.glucose).toBe(70);
  });
});
