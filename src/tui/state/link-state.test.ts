import { describe, expect, it } from 'vitest';
import { linkLabel, linkState } from './link-state.ts';

const facts = { everOnline: true, online: true, stale: false, networkFault: false, buffered: 0 };

describe('link state', () => {
  it('tells connecting, online, degraded, offline and backfilling apart', () => {
    expect(linkState({ ...facts, everOnline: false, online: false })).toBe('connecting');
    expect(linkState(facts)).toBe('online');
    expect(linkState({ ...facts, stale: true })).toBe('degraded');
    expect(linkState({ ...facts, networkFault: true })).toBe('degraded');
    expect(linkState({ ...facts, online: false, buffered: 12 })).toBe('offline');
    // Back online with a backlog: backfilling outranks a stale flag the backlog will clear.
    expect(linkState({ ...facts, stale: true, buffered: 12 })).toBe('backfilling');
  });

  it('names the buffer where it matters', () => {
    expect(linkLabel('backfilling', 12)).toBe('backfilling (12 buffered)');
    expect(linkLabel('offline', 3)).toBe('offline (3 buffered)');
    expect(linkLabel('offline', 0)).toBe('offline');
    expect(linkLabel('degraded', 0)).toBe('degraded');
  });
});
