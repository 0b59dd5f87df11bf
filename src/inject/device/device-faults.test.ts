import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../net/broker.ts';
import { closeClient, whenConnected } from '../../net/client.ts';
import { decodeEnvelope } from '../../net/envelope.ts';
import { CHANNELS, channelTopic } from '../../net/topics.ts';
import { applyFault, machineContext, makeAgent, makeDescriptor } from '../../../test/helpers/inject-fixtures.ts';

const SECOND = 1000;

function setup(options: Parameters<typeof makeAgent>[0] = {}) {
  const fixture = makeAgent(options);
  fixture.clock.advance(SECOND);
  const apply = (name: string, params: Record<string, unknown> = {}) => applyFault(fixture.agent, fixture.clock, fixture.log, name, params);
  return { ...fixture, apply };
}

describe('condition faults', () => {
  const SWITCHES = [
    ['device.occlusion-downstream', 'occlusion.downstream'],
    ['device.occlusion-upstream', 'occlusion.upstream'],
    ['device.air-in-line', 'air-in-line'],
    ['device.door-open', 'door.open'],
    ['device.ecg-lead-off', 'ecg.lead-off'],
    ['device.spo2-probe-off', 'spo2.probe-off'],
    ['device.nibp-cuff-error', 'nibp.cuff-error'],
    ['device.cgm-sensor-error', 'sensor.error'],
  ] as const;

  it.each(SWITCHES)('%s sets %s to 1 in the sample event until reverted', (fault, condition) => {
    const { agent, clock, apply } = setup();
    const revert = apply(fault);
    clock.advance(SECOND);
    expect(machineContext(agent).conditions).toEqual({ [condition]: 1 });
    expect(agent.activeAlarms.map((a) => a.code)).toEqual([condition]);
    revert();
    clock.advance(SECOND);
    expect(machineContext(agent).conditions).toEqual({});
    expect(agent.activeAlarms).toEqual([]);
  });

  it('device.battery-drain and device.wrong-rate set their factors', () => {
    const { agent, clock, apply } = setup();
    const drain = apply('device.battery-drain', { factor: 4 });
    apply('device.wrong-rate');
    clock.advance(SECOND);
    expect(machineContext(agent).conditions).toEqual({ 'battery.drain-factor': 4, 'rate.error-factor': 1.25 });
    drain();
    clock.advance(SECOND);
    expect(machineContext(agent).conditions).toEqual({ 'rate.error-factor': 1.25 });
  });

  it('overlapping injections of one condition keep it set until the last reverts', () => {
    const { agent, clock, apply } = setup();
    const first = apply('device.door-open');
    const second = apply('device.door-open');
    first();
    clock.advance(SECOND);
    expect(machineContext(agent).conditions).toEqual({ 'door.open': 1 });
    second();
    clock.advance(SECOND);
    expect(machineContext(agent).conditions).toEqual({});
  });

  it('a device fault needs a device that lists the condition', () => {
    const { agent, clock, log } = makeAgent({ descriptor: makeDescriptor({ kind: 'cgm', conditions: ['sensor.error'] }) });
    expect(() => applyFault(agent, clock, log, 'device.occlusion-downstream')).toThrowErrorMatchingInlineSnapshot(
      `[Error: device.occlusion-downstream cannot apply to dev-001: cgm has no "occlusion.downstream" condition (its conditions are sensor.error)]`,
    );
  });
});

describe('behaviour faults', () => {
  it('device.firmware-hang stops every publish until reverted', () => {
    const { agent, clock, apply } = setup();
    clock.advance(10 * SECOND);
    const before = agent.stats.publishedTotal;
    expect(before).toBeGreaterThan(0);
    const revert = apply('device.firmware-hang');
    clock.advance(60 * SECOND);
    expect(agent.stats.publishedTotal).toBe(before);
    revert();
    clock.advance(10 * SECOND);
    expect(agent.stats.publishedTotal).toBeGreaterThan(before);
  });

  it('device.alarm-suppression: the alarm is raised (and logged as suppressed) but never published', () => {
    const { agent, clock, log, apply } = setup();
    apply('device.alarm-suppression');
    apply('device.occlusion-downstream');
    clock.advance(SECOND);
    expect(agent.activeAlarms.map((a) => a.code)).toEqual(['occlusion.downstream']);
    expect(log.ofType('alarm.raised').map((e) => e.data)).toMatchObject([{ suppressed: true }]);
    expect(agent.stats.published[CHANNELS.alarm]).toBeUndefined();
  });

  it('without suppression the same alarm is published', () => {
    const { agent, clock, apply } = setup();
    apply('device.occlusion-downstream');
    clock.advance(SECOND);
    expect(agent.stats.published[CHANNELS.alarm]).toBe(1);
  });

  it('device.reboot restarts the machine from off; its revert does nothing', () => {
    const { agent, clock, log, apply } = setup();
    clock.advance(9 * SECOND);
    expect(machineContext(agent).samples).toBe(10);
    const revert = apply('device.reboot');
    expect(log.ofType('device.rebooted')).toHaveLength(1);
    expect(log.ofType('state.changed').map((e) => e.data.to)).toEqual(['off', 'on', 'off', 'on']);
    expect(machineContext(agent).samples).toBe(0);
    revert();
    clock.advance(SECOND);
    expect(machineContext(agent).samples).toBe(1);
    expect(log.ofType('device.rebooted')).toHaveLength(1);
  });
});

describe('device.clock-skew', () => {
  it('shifts the timestamps on published messages, ahead or behind, until reverted', async () => {
    const broker = await EmbeddedBroker.start({ port: 0 });
    const { agent, clock, log } = makeAgent();
    const listener = mqtt.connect(broker.url, { clientId: 'skew-listener', reconnectPeriod: 0 });
    try {
      await agent.connect(broker.url);
      await whenConnected(listener);
      await listener.subscribeAsync(channelTopic(agent.address, CHANNELS.telemetry), { qos: 0 });
      const stamps: number[] = [];
      listener.on('message', (_topic, payload) => {
        const decoded = decodeEnvelope(payload);
        if (decoded.ok) stamps.push(decoded.envelope.t);
      });
      const telemetry = async (n: number) => {
        clock.advance(5 * SECOND);
        await expect.poll(() => stamps.length, { timeout: 5000 }).toBe(n);
        return stamps[n - 1];
      };
      expect(await telemetry(1)).toBe(5_000);
      const ahead = applyFault(agent, clock, log, 'device.clock-skew', { offset: '5m' });
      expect(await telemetry(2)).toBe(10_000 + 300_000);
      ahead();
      applyFault(agent, clock, log, 'device.clock-skew', { offset: '-2s' });
      expect(await telemetry(3)).toBe(15_000 - 2_000);
    } finally {
      await closeClient(listener);
      await agent.stop();
      await broker.close();
    }
  });
});
