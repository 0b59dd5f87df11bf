import { describe, expect, it } from 'vitest';
import { createFleetModel } from '../state/fleet-model.ts';
import { layoutFleet, moveInLayout, shortId } from './fleet-layout.ts';

function fleet(n: number) {
  const devices = Array.from({ length: n }, (_, i) => ({
    id: `cgm-${String(i + 1).padStart(3, '0')}`,
    kind: 'cgm',
    zone: i < n / 2 ? 'icu' : 'ward',
  }));
  return createFleetModel(devices);
}

describe('shortId', () => {
  it('keeps the last word of a multi-word kind prefix', () => {
    expect(shortId('patient-monitor-001', 'patient-monitor')).toBe('monitor-001');
    expect(shortId('cgm-001', 'cgm')).toBe('cgm-001');
    expect(shortId('bed-monitor-7', 'patient-monitor')).toBe('bed-monitor-7');
  });
});

describe('layoutFleet', () => {
  it('uses a line per device when they fit, then named cells, then one character each', () => {
    const small = fleet(6);
    expect(layoutFleet(small, small.order, 80, 10).density).toBe('rows');
    const medium = fleet(40);
    const cells = layoutFleet(medium, medium.order, 80, 10);
    expect(cells).toMatchObject({ density: 'cells', perLine: 8, cellWidth: 10 });
    const large = fleet(2000);
    expect(layoutFleet(large, large.order, 80, 40).density).toBe('compact');
  });

  it('moves vertically by grid line and across zones', () => {
    const model = fleet(20);
    const layout = layoutFleet(model, model.order, 40, 10);
    expect(layout.perLine).toBe(4);
    expect(moveInLayout(layout, 'cgm-001', 0, 1)).toBe('cgm-005');
    // icu holds 001–010: its last line is 009–010; the next line down is ward's first.
    expect(moveInLayout(layout, 'cgm-010', 0, 1)).toBe('cgm-012');
    expect(moveInLayout(layout, 'cgm-001', -1, 0)).toBe('cgm-001');
    expect(moveInLayout(layout, undefined, 1, 0)).toBe('cgm-001');
  });
});
