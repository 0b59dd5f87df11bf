import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { makeAgent, makeDescriptor } from '../../test/helpers/inject-fixtures.ts';
import { isEmptySelector, matchDevices, pickCount, pickDevices } from './selector.ts';

function fleet() {
  const first = makeAgent({ id: 'mon-001', zone: 'icu', descriptor: makeDescriptor({ kind: 'patient-monitor' }) });
  const { clock, log } = first;
  const add = (id: string, zone: string, kind: string) => makeAgent({ id, zone, clock, log, descriptor: makeDescriptor({ kind }) }).agent;
  return [
    first.agent,
    add('mon-002', 'ward', 'patient-monitor'),
    add('pump-001', 'icu', 'infusion-pump'),
    add('pump-002', 'ward', 'infusion-pump'),
    add('cgm-001', 'icu', 'cgm'),
  ];
}
const TAGS: Record<string, string[]> = { 'mon-001': ['critical'], 'pump-001': ['critical'], 'cgm-001': ['critical'] };
const tagsOf = (id: string) => TAGS[id];
const ids = (devices: { deviceId: string }[]) => devices.map((d) => d.deviceId);

describe('matchDevices', () => {
  const devices = fleet();

  it('matches all given fields, in fleet order', () => {
    expect(ids(matchDevices({}, devices))).toEqual(['mon-001', 'mon-002', 'pump-001', 'pump-002', 'cgm-001']);
    expect(ids(matchDevices({ kind: 'infusion-pump' }, devices))).toEqual(['pump-001', 'pump-002']);
    expect(ids(matchDevices({ zone: 'icu', kind: 'patient-monitor' }, devices))).toEqual(['mon-001']);
    expect(ids(matchDevices({ device: ['cgm-001', 'mon-002'] }, devices))).toEqual(['mon-002', 'cgm-001']);
    expect(ids(matchDevices({ tag: 'critical' }, devices, { tagsOf }))).toEqual(['mon-001', 'pump-001', 'cgm-001']);
    expect(ids(matchDevices({ zone: 'nowhere' }, devices))).toEqual([]);
  });

  it('an unknown device id is an error with the nearest id', () => {
    expect(() => matchDevices({ device: 'pump-01' }, devices, { where: 'timeline[1].target' })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[1].target.device: no device "pump-01" in the fleet — did you mean "pump-001"?]`,
    );
  });
});

describe('pickDevices', () => {
  const devices = fleet();

  it('count and fraction pick that many, in fleet order, the same for the same stream', () => {
    const picked = pickDevices({ count: 2 }, devices, new Rng(7, 'entry:0'));
    expect(picked).toHaveLength(2);
    expect(picked).toEqual(devices.filter((d) => picked.includes(d)));
    expect(pickDevices({ count: 2 }, devices, new Rng(7, 'entry:0'))).toEqual(picked);
    const seen = new Set(Array.from({ length: 20 }, (_, seed) => ids(pickDevices({ count: 2 }, devices, new Rng(seed, 'entry:0'))).join()));
    expect(seen.size).toBeGreaterThan(3);
  });

  it('fraction rounds, but never to nothing; count is capped at the matches', () => {
    expect(pickCount({ fraction: 0.5 }, 5)).toBe(3);
    expect(pickCount({ fraction: 0.01 }, 5)).toBe(1);
    expect(pickCount({ count: 9 }, 5)).toBe(5);
    expect(pickCount({}, 5)).toBe(5);
    expect(pickCount({ count: 2 }, 0)).toBe(0);
  });

  it('without count or fraction, returns every match and draws nothing', () => {
    const rng = new Rng(1, 's');
    expect(pickDevices({ kind: 'cgm' }, devices, rng)).toEqual(devices);
    expect(rng.next()).toBe(new Rng(1, 's').next());
  });

  it('isEmptySelector', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ count: 1 })).toBe(false);
  });
});
