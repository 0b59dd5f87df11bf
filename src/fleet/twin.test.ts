import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { SimClock } from '../core/clock.ts';
import { EventLog, type LoggedEvent } from '../core/event-log.ts';
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
