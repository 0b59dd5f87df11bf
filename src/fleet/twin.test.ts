import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { SimClock } from '../core/clock.ts';
import { EventLog, type LoggedEvent } from '../core/event-log.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import { DigitalTwin } from './twin.ts';

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
