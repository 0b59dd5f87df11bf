import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLog, type LoggedEvent, type SimEvent, toJsonLines } from './event-log.ts';
import { canonicalJson, isStringifyCanonical } from './canonical-json.ts';

const events: SimEvent[] = [
  { t: 10, source: 'pump-002', type: 'alarm.raised', data: { code: 'occlusion', priority: 'high' } },
  { t: 10, source: 'pump-001', type: 'telemetry', data: { rate: 5, seq: 1 } },
  { t: 5, source: 'twin', type: 'device.stale', data: { device: 'cgm-001' } },
  { t: 10, source: 'pump-001', type: 'alarm.raised', data: { priority: 'low', code: 'kvo' } },
];

function digestOf(order: number[]): string {
  const log = new EventLog();
  for (const i of order) log.record(events[i]!);
  return log.digest();
}

describe('EventLog', () => {
  it('orders canonically whatever the arrival order, so the digest is stable', () => {
    const a = digestOf([0, 1, 2, 3]);
    expect(digestOf([3, 2, 1, 0])).toBe(a);
    expect(digestOf([2, 0, 3, 1])).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the SHA-256 of the canonical JSON Lines, whatever the lines hold and however long they are', () => {
    const odd: SimEvent[] = [
      ...events,
      { t: 11, source: 'cgm-001', type: 'note', data: { text: 'µ 5 mg/dL → ✓ 🩸', lone: '\ud800x' } },
      // Longer than the hasher's buffer, and full of multi-byte characters.
      { t: 12, source: 'cgm-001', type: 'note', data: { text: 'é🩸'.repeat(40_000) } },
      { t: 13, source: 'cgm-001', type: 'note', data: { text: 'x'.repeat(30_000) } },
    ];
    const log = new EventLog();
    const sealed: SimEvent[] = [];
    log.subscribe((batch) => sealed.push(...batch.map(({ t, source, type, data }) => ({ t, source, type, data }))));
    for (let k = 0; k < 100; k++) for (const e of odd) log.record({ ...e, t: e.t + k * 20 });
    log.seal(1_000);
    const digest = log.digest();
    expect(sealed).toHaveLength(100 * odd.length);
    expect(digest).toBe(createHash('sha256').update(toJsonLines(sealed)).digest('hex'));
  });

  it('changes the digest when any payload changes', () => {
    const log = new EventLog();
    for (const e of events) log.record({ ...e, data: { ...e.data, extra: e.t === 5 ? 1 : undefined } });
    expect(log.digest()).not.toBe(digestOf([0, 1, 2, 3]));
  });

  it('seals windows in order and numbers events', () => {
    const log = new EventLog();
    const seen: LoggedEvent[] = [];
    log.subscribe((batch) => seen.push(...batch));
    for (const e of events) log.record(e);
    log.seal(5);
    expect(seen.map((e) => [e.id, e.source])).toEqual([[1, 'twin']]);
    log.seal(10);
    expect(seen.map((e) => `${e.t}:${e.source}:${e.type}`)).toEqual([
      '5:twin:device.stale',
      '10:pump-001:alarm.raised',
      '10:pump-001:telemetry',
      '10:pump-002:alarm.raised',
    ]);
    expect(log.count).toBe(4);
  });

  it('rejects an event recorded into an already sealed window', () => {
    const log = new EventLog();
    log.seal(100);
    expect(() => log.record({ t: 50, source: 'pump-001', type: 'x', data: {} })).toThrow(/after the log was sealed up to 100 ms/);
  });

  it('serializes with sorted keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(Number.NaN)).toBe('null');
  });
});

describe('EventLog, events recorded as sorted', () => {
  it('writes the same lines, in the same order, as events it checks itself', () => {
    const sorted: SimEvent[] = [
      { t: 3, source: 'pump-001', type: 'telemetry', data: { body: { alarms: [], rate: 5 }, seq: 2, truth: { map: 70.5 } } },
      { t: 3, source: 'mon-001', type: 'telemetry', data: { body: { hr: null, nibp: { dbp: 60, map: 75, sbp: 110, t: 0 } }, seq: 1 } },
      { t: 3, source: 'mon-001', type: 'alarm.raised', data: { code: 'hr.high' } },
    ];
    const checked = new EventLog();
    const vouched = new EventLog();
    const seenChecked: LoggedEvent[] = [];
    const seenVouched: LoggedEvent[] = [];
    checked.subscribe((batch) => seenChecked.push(...batch));
    vouched.subscribe((batch) => seenVouched.push(...batch));
    for (const event of sorted) {
      checked.record(structuredClone(event));
      vouched.record(structuredClone(event), event.type === 'telemetry');
    }
    expect(vouched.pendingCount).toBe(3);
    expect(vouched.digest()).toBe(checked.digest());
    expect(seenVouched).toEqual(seenChecked);
  });

  it('writes the same line around a body given as text, and fails a text that is not the body (checked under vitest)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.option(fc.jsonValue(), { nil: undefined }),
        fc.integer({ min: -5, max: 5 }),
        fc.option(fc.string(), { nil: undefined }),
        (body, delivered, seq, silenced) => {
          const sortedBody = JSON.parse(canonicalJson(body)) as unknown;
          const sortedDelivered = delivered === undefined ? undefined : (JSON.parse(canonicalJson(delivered)) as unknown);
          const event = (): SimEvent => ({
            t: 4,
            source: 'mon-"1',
            type: 'telemetry',
            data: { body: sortedBody, delivered: sortedDelivered, seq, silenced, truth: { hr: 61.25 } },
          });
          // Integer-like keys enumerate first, so such a value cannot be built sorted at all.
          fc.pre(isStringifyCanonical(event().data));
          const around = new EventLog();
          const plain = new EventLog();
          around.record(event(), true, JSON.stringify(sortedBody));
          plain.record(event(), true);
          expect(around.digest()).toBe(plain.digest());
        },
      ),
      { numRuns: 300 },
    );
    const log = new EventLog();
    log.record({ t: 1, source: 'mon-001', type: 'telemetry', data: { body: { hr: 60 }, seq: 1 } }, true, '{"hr":61}');
    expect(() => log.seal(1)).toThrow(/recorded with a bodyJson that is not its body's JSON/);
  });

  it('fails a run whose producer claimed sorted keys it did not build (checked under vitest)', () => {
    const log = new EventLog();
    log.record({ t: 1, source: 'cgm-001', type: 'telemetry', data: { body: { state: 'ok', glucose: 110 } } }, true);
    expect(() => log.seal(1)).toThrowErrorMatchingInlineSnapshot(
      `[Error: EventLog: cgm-001/telemetry at t=1 ms was recorded as sorted, but its data is not in canonical form (keys in ascending order, plain objects only): {"body":{"glucose":110,"state":"ok"}}. Build it with sorted keys, or record it without \`sorted\`]`,
    );
  });
});

describe('canonicalJson', () => {
  it('matches JSON.stringify on values whose keys are already sorted', () => {
    const values = [0, -0, 1.5, 1e21, -3e-7, 'a"b\n', true, null, [1, 'x', null, [2]], { a: 1, b: { c: [true, { d: 'e' }] } }, []];
    for (const v of values) expect(canonicalJson(v)).toBe(JSON.stringify(v));
    expect(canonicalJson([undefined, Number.POSITIVE_INFINITY])).toBe('[null,null]');
  });
});

describe('canonicalJson keys', () => {
  it('quotes keys exactly as JSON does, including ones that need escaping', () => {
    const record = { 'a"b': 1, é: 2, 'line\nbreak': 3, plain_key: 4, 'with.dots': 5, '': 6 };
    const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(canonicalJson(record)).toBe(JSON.stringify(sorted));
  });
});
