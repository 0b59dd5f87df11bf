import { describe, expect, it } from 'vitest';
import { initialUiState, moveSelection, searchDevices, uiReducer } from './ui-state.ts';

describe('uiReducer', () => {
  it('esc closes an overlay first, then leaves the device, then clears the search', () => {
    let s = uiReducer(initialUiState('cgm-001'), { type: 'open-detail' });
    s = uiReducer(s, { type: 'search', query: 'cgm' });
    s = uiReducer(s, { type: 'overlay', overlay: 'help' });
    s = uiReducer(s, { type: 'back' });
    expect([s.overlay, s.screen, s.search]).toEqual(['none', 'detail', 'cgm']);
    s = uiReducer(s, { type: 'back' });
    expect([s.overlay, s.screen, s.search]).toEqual(['none', 'overview', 'cgm']);
    s = uiReducer(s, { type: 'back' });
    expect(s.search).toBe('');
  });

  it('opens a detail only with a selection, and never scrolls the feed past the newest line', () => {
    expect(uiReducer(initialUiState(), { type: 'open-detail' }).screen).toBe('overview');
    expect(uiReducer(initialUiState(), { type: 'scroll-feed', delta: -5 }).feedOffset).toBe(0);
  });
});

describe('searchDevices and moveSelection', () => {
  const devices = [
    { id: 'cgm-001', kind: 'cgm', zone: 'icu' },
    { id: 'pump-001', kind: 'infusion-pump', zone: 'ward' },
  ];
  it('matches id, kind or zone', () => {
    expect(searchDevices(devices, 'WARD').map((d) => d.id)).toEqual(['pump-001']);
    expect(searchDevices(devices, 'infusion').map((d) => d.id)).toEqual(['pump-001']);
    expect(searchDevices(devices, '').length).toBe(2);
  });
  it('moves within bounds', () => {
    expect(moveSelection(['a', 'b'], 'a', 5)).toBe('b');
    expect(moveSelection(['a', 'b'], 'gone', 1)).toBe('a');
    expect(moveSelection([], 'a', 1)).toBeUndefined();
  });
});
