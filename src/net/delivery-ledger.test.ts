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
      buffered: 0,
      held: 0,
      backfilled: 0,
      lostBy: { 'dropped by test': 1, 'settle timeout': 2 },
    });
    expect(channel.published).toBe(channel.delivered + channel.lost + channel.inFlight);
  });

  it('accounts a store-and-forward buffer: held out of flight, released, backfilled; dropped from the buffer is lost', () => {
    const ledger = new DeliveryLedger();
    for (let seq = 1; seq <= 6; seq++) ledger.published('mon-001', 'telemetry', seq, seq * 1000);
    ledger.delivered('mon-001', 'telemetry', 1, 1000);
    // The link went down: 2..6 wait in the device's buffer; nothing waits for them.
    for (let seq = 2; seq <= 6; seq++) ledger.held('mon-001', 'telemetry', seq);
    expect(ledger.inFlight).toBe(0);
    // The buffer overflows (drop-oldest), then the device comes back and sends the rest at 60 s.
    ledger.lost('mon-001', 'telemetry', 2, 'buffer-overflow');
    for (const seq of [3, 4, 5]) ledger.released('mon-001', 'telemetry', seq, 60_000);
    expect(ledger.inFlight).toBe(3);
    // Delivered: the twin learns it was sent at 60 s, not when it was generated.
    expect(ledger.delivered('mon-001', 'telemetry', 3, 60_100)).toBe(60_000);
    ledger.delivered('mon-001', 'telemetry', 4, 60_100);
    ledger.lost('mon-001', 'telemetry', 5, 'network:dropped');
    // Releasing twice, holding a delivered message, or a live message delivered: no backfill counted.
    ledger.released('mon-001', 'telemetry', 3, 61_000);
    ledger.held('mon-001', 'telemetry', 1);
    const channel = ledger.summary().devices['mon-001']!.telemetry!;
    expect(channel).toMatchObject({ published: 6, delivered: 3, lost: 2, inFlight: 0, buffered: 1, held: 5, backfilled: 2 });
    expect(channel.lostBy).toEqual({ 'buffer-overflow': 1, 'network:dropped': 1 });
    expect(channel.published).toBe(channel.delivered + channel.lost + channel.inFlight + channel.buffered);
    expect(ledger.device('mon-001').channel('telemetry').fate(6)).toEqual({ state: 'buffered' });
    expect(ledger.device('mon-001').channel('telemetry').fate(2)).toEqual({ state: 'lost', reason: 'buffer-overflow' });
    expect(ledger.device('mon-001').channel('telemetry').fate(4)).toEqual({ state: 'delivered' });
    expect(ledger.device('mon-001').channel('telemetry').fate(7)).toBeUndefined();
    // A released message written off and then arriving is late and still a backfill; a held one sent
    // without being released is delivered and backfilled; its copy is a duplicate.
    ledger.delivered('mon-001', 'telemetry', 5, 70_000);
    ledger.delivered('mon-001', 'telemetry', 6, 70_000);
    ledger.delivered('mon-001', 'telemetry', 6, 70_000);
    expect(ledger.summary().devices['mon-001']!.telemetry).toMatchObject({
      delivered: 5,
      late: 1,
      lost: 1,
      buffered: 0,
      backfilled: 4,
      duplicated: 1,
    });
  });

  it('sums a device over its channels, leaving out the ones named', () => {
    const ledger = new DeliveryLedger();
    ledger.published('pump', 'telemetry', 1, 0);
    ledger.published('pump', 'alarm', 1, 0);
    ledger.published('pump', 'cmd', 1, 0);
    ledger.delivered('pump', 'alarm', 1, 0);
    ledger.delivered('pump', 'alarm', 1, 0);
    expect(ledger.device('pump').sum(['cmd'])).toMatchObject({ published: 2, delivered: 1, inFlight: 1, duplicated: 1 });
    expect(ledger.device('pump').sum()).toMatchObject({ published: 3, inFlight: 2 });
  });

  it('refuses while its receiver is not reading: published messages lost at once, but on the channels excepted', () => {
    const ledger = new DeliveryLedger();
    ledger.published('mon', 'telemetry', 1, 0);
    ledger.published('mon', 'cmd', 1, 0);
    // The central station froze: what was on its way to it is written off, commands to devices are not.
    expect(ledger.writeOffInFlight('network:twin-frozen', ['cmd'])).toBe(1);
    const reopen = ledger.refuse('network:twin-frozen', ['cmd']);
    ledger.published('mon', 'telemetry', 2, 1000);
    ledger.published('mon', 'alarm', 1, 1000);
    ledger.published('mon', 'cmd', 2, 1000);
    expect(ledger.inFlight).toBe(2);
    reopen();
    ledger.published('mon', 'telemetry', 3, 2000);
    expect(ledger.summary().devices.mon!.telemetry).toMatchObject({
      published: 3,
      lost: 2,
      inFlight: 1,
      lostBy: { 'network:twin-frozen': 2 },
    });
    expect(ledger.summary().devices.mon!.alarm).toMatchObject({ lost: 1 });
    expect(ledger.summary().devices.mon!.cmd).toMatchObject({ inFlight: 2, lost: 0 });
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

  it('adds the delays of the stages a message passed, each stage once: a copy passing it again adds nothing', () => {
    const ledger = new DeliveryLedger();
    ledger.published('m', 'alarm', 1, 1000);
    // A ward's bridge held it 2 s on the way up, the WAN 434 ms on the way down to the station...
    ledger.delayed('m', 'alarm', 1, 2000, 'zone:ward-a/upstream/mqtt-delay#2');
    ledger.delayed('m', 'alarm', 1, 434, 'twin/downstream/latency#1');
    // ...and a duplicating fault's copy came down the WAN too, before the station took the first in.
    ledger.delayed('m', 'alarm', 1, 434, 'twin/downstream/latency#1');
    expect(ledger.delayOf('m', 'alarm', 1)).toBe(2434);
    // Taken once.
    expect(ledger.delayOf('m', 'alarm', 1)).toBe(0);
  });
});
