import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { SimClock } from '../core/clock.ts';
import { EventLog, type LoggedEvent } from '../core/event-log.ts';
import type { MqttClient } from 'mqtt';
import { until } from '../../test/helpers/until.ts';
import { EmbeddedBroker } from '../net/broker.ts';
import { connectClient, whenConnected } from '../net/client.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import { ENVELOPE_VERSION, encodeEnvelope } from '../net/envelope.ts';
import { CHANNELS, channelTopic } from '../net/topics.ts';
import { DigitalTwin, silenceAt } from './twin.ts';

const address = (deviceId: string) => ({ site: 'test', zone: 'icu', kind: 'patient-monitor', deviceId });

describe('digital twin staleness before a device is first heard', () => {
  it('counts from when the device is due to report, not from t = 0', () => {
    const clock = new SimClock();
    const log = new EventLog();
    const events: LoggedEvent[] = [];
    log.subscribe((batch) => events.push(...batch));
    const twin = new DigitalTwin('test', clock, log);
    const monitor = DEVICES['patient-monitor']!;
    // A monitor (1 s period) that boots late and first reports at 2.5 s, and one due at t = 0.
    twin.register(address('late'), monitor, 2500);
    twin.register(address('prompt'), monitor);
    clock.advanceTo(3000);
    twin.check();
    expect(twin.shadows.get('late')!.stale).toBe(false);
    expect(twin.shadows.get('prompt')!.stale).toBe(true);
    clock.advanceTo(6000);
    twin.check();
    expect(twin.shadows.get('late')!.stale).toBe(true);
    log.seal(6000);
    // Stamped when the deadline passed (2.5 s + 3 periods), not when the check ran.
    expect(events.filter((e) => e.type === 'twin.stale').map((e) => [e.data.device, e.t])).toEqual([
      ['prompt', 3000],
      ['late', 5500],
    ]);
  });
});

describe('digital twin staleness and the delivery ledger', () => {
  it('does not flag a device whose telemetry sent in time is still in flight; flags it once that is accounted lost', () => {
    const clock = new SimClock();
    const log = new EventLog();
    const events: LoggedEvent[] = [];
    log.subscribe((batch) => events.push(...batch));
    const ledger = new DeliveryLedger();
    const twin = new DigitalTwin('test', clock, log, { ledger });
    twin.register(address('mon'), DEVICES['patient-monitor']!);
    // Sent at 2.9 s, before the 3 s deadline, and not yet arrived: the simulator is behind, not the device.
    ledger.published('mon', 'telemetry', 1, 2900);
    clock.advanceTo(8000);
    twin.check();
    expect(twin.shadows.get('mon')!.stale).toBe(false);
    // Sent after the deadline: that one would not have kept the device fresh.
    ledger.delivered('mon', 'telemetry', 1, 8000);
    ledger.published('mon', 'telemetry', 2, 9000);
    twin.check();
    expect(twin.shadows.get('mon')!.stale).toBe(true);
    log.seal(8000);
    expect(events.filter((e) => e.type === 'twin.stale').map((e) => e.t)).toEqual([3000]);
  });

  it('flags the device at its deadline once the message it waited for is lost', () => {
    const clock = new SimClock();
    const log = new EventLog();
    const ledger = new DeliveryLedger();
    const twin = new DigitalTwin('test', clock, log, { ledger });
    twin.register(address('mon'), DEVICES['patient-monitor']!);
    ledger.published('mon', 'telemetry', 1, 1000);
    clock.advanceTo(5000);
    twin.check();
    expect(twin.shadows.get('mon')!.stale).toBe(false);
    ledger.lost('mon', 'telemetry', 1, 'dropped');
    clock.advanceTo(5500);
    twin.check();
    expect(twin.shadows.get('mon')!.stale).toBe(true);
  });
});

describe('digital twin sequence accounting, over a real broker', () => {
  it('counts an overtaken reading as out of order (its gap closes), a repeat as a duplicate, and the longest silence', async () => {
    const broker = await EmbeddedBroker.start();
    const clock = new SimClock();
    const log = new EventLog();
    const ledger = new DeliveryLedger();
    const twin = new DigitalTwin('test', clock, log, { ledger });
    const device = address('mon');
    twin.register(device, DEVICES['patient-monitor']!);
    let sender: MqttClient | undefined;
    try {
      await twin.connect({ url: broker.url, identity: { clientId: 'twin' } });
      sender = connectClient({ url: broker.url, identity: { clientId: 'sender' }, extra: { reconnectPeriod: 0 } });
      await whenConnected(sender, 5000);
      let received = 0;
      twin.onReceive(() => received++);
      // Sent at 1–5 s and 40 s; 2 overtaken by 3 and 4, 3 repeated, 5 lost, 6 after a 36 s silence.
      const order: [seq: number, t: number][] = [
        [1, 1000],
        [3, 3000],
        [4, 4000],
        [2, 2000],
        [3, 3000],
        [6, 40_000],
      ];
      for (const seq of [1, 2, 3, 4, 5, 6]) ledger.published('mon', 'telemetry', seq, seq === 6 ? 40_000 : seq * 1000);
      ledger.lost('mon', 'telemetry', 5, 'dropped by test');
      for (const [i, [seq, t]] of order.entries()) {
        clock.advanceTo(Math.max(clock.now(), t));
        const body = { type: 'telemetry', hr: 70 + seq };
        await sender.publishAsync(
          channelTopic(device, CHANNELS.telemetry),
          encodeEnvelope({ v: ENVELOPE_VERSION, device: 'mon', kind: 'patient-monitor', seq, t, body }),
          { qos: 1 },
        );
        await until(() => received > i, `message ${i + 1} at the twin`);
      }
      const shadow = twin.shadows.get('mon')!;
      // Seq 5 never came: the one gap left. Seq 2 arrived late: out of order, not lost and not a repeat.
      expect(shadow).toMatchObject({ missingTelemetry: 1, outOfOrderTelemetry: 1, duplicateTelemetry: 1, lastTelemetrySeq: 6 });
      expect(shadow.longestSilenceMs).toBe(36_000);
      expect(silenceAt(shadow, 100_000)).toBe(60_000);
      expect(ledger.summary().devices.mon!.telemetry).toMatchObject({ delivered: 5, duplicated: 1, inFlight: 0 });
    } finally {
      await sender?.endAsync();
      await twin.close();
      await broker.close();
    }
  });
});
