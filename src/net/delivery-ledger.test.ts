import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from './delivery-ledger.ts';

describe('delivery ledger', () => {
  it('accounts each message as in flight, then delivered, and returns when it was published', () => {
    const ledger = new DeliveryLedger();
    ledger.published('pump-001', 'telemetry', 1, 1000);
    ledger.published('pump-001', 'telemetry', 2, 2000);
    ledger.published('pump-001', 'state', 1, 1500);
    expect(ledger.inFlight).toBe(3);
    expect(ledger.delivered('pump-001', 'telemetry', 2, 2500)).toBe(2000);
    expect(ledger.device('pump-001').channel('telemetry').oldestInFlight).toBe(1000);
    expect(ledger.delivered('pump-001', 'telemetry', 1, 2600)).toBe(1000);
    expect(ledger.device('pump-001').inFlight).toBe(1);
    expect(ledger.totals).toMatchObject({ published: 3, delivered: 2, inFlight: 1, lost: 0 });
    ledger.published('mon-001', 'telemetry', 1, 0);
    expect(ledger.channelTotals('telemetry')).toMatchObject({ published: 3, delivered: 2, inFlight: 1 });
    expect(ledger.channelTotals('state')).toMatchObject({ published: 1, delivered: 0, inFlight: 1 });
  });

  it('keeps published = delivered + lost + in flight, with losses by reason, late arrivals and duplicates', () => {
    const ledger = new DeliveryLedger();
    for (let seq = 1; seq <= 5; seq++) ledger.published('cgm-001', 'telemetry', seq, seq * 100);
    ledger.delivered('cgm-001', 'telemetry', 1, 100);
    ledger.lost('cgm-001', 'telemetry', 2, 'dropped by test');
    ledger.lost('cgm-001', 'telemetry', 3, 'dropped by test');
    // Lost twice, or lost after delivery: not counted again.
    ledger.lost('cgm-001', 'telemetry', 2, 'dropped by test');
    ledger.lost('cgm-001', 'telemetry', 1, 'dropped by test');
    // A duplicate of a delivered message, and a late arrival of one written off.
    expect(ledger.delivered('cgm-001', 'telemetry', 1, 150)).toBeUndefined();
    expect(ledger.delivered('cgm-001', 'telemetry', 3, 400)).toBeUndefined();
    expect(ledger.writeOffInFlight('settle timeout')).toBe(2);
    const channel = ledger.summary().devices['cgm-001']!.telemetry!;
    expect(channel).toEqual({
      published: 5,
      delivered: 2,
      inFlight: 0,
      lost: 3,
      late: 1,
      duplicated: 1,
      lostBy: { 'dropped by test': 1, 'settle timeout': 2 },
    });
    expect(channel.published).toBe(channel.delivered + channel.lost + channel.inFlight);
  });

  it('tells its listeners whenever a message is delivered or accounted lost', () => {
    const ledger = new DeliveryLedger();
    let calls = 0;
    const off = ledger.onSettle(() => calls++);
    ledger.published('m', 'alarm', 1, 0);
    ledger.published('m', 'alarm', 2, 0);
    expect(calls).toBe(0);
    ledger.delivered('m', 'alarm', 1, 0);
    ledger.lost('m', 'alarm', 2, 'x');
    expect(calls).toBe(2);
    off();
    ledger.published('m', 'alarm', 3, 0);
    ledger.delivered('m', 'alarm', 3, 0);
    expect(calls).toBe(2);
  });

  it('ignores deliveries of messages it never saw published', () => {
    const ledger = new DeliveryLedger();
    expect(ledger.delivered('stranger', 'telemetry', 9, 0)).toBeUndefined();
    expect(ledger.totals).toMatchObject({ published: 0, delivered: 0, duplicated: 0 });
  });
});
