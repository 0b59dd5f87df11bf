import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Run } from '../runtime/run.ts';
import { faultList, type FaultInfo, type RunLike } from './run-like.ts';

// The TUI is written against RunLike; the real Run must keep satisfying it (checked by tsc).
type RunSatisfiesRunLike = Run extends RunLike ? true : false;
const runSatisfiesRunLike: RunSatisfiesRunLike = true;

function fault(name: string): FaultInfo {
  return { name, category: 'sensor', summary: name, params: z.object({}), incompatibility: () => undefined };
}

describe('faultList', () => {
  it('lists a typed-map registry and a Map registry in name order', () => {
    expect(runSatisfiesRunLike).toBe(true);
    const record = { 'sensor.stuck': fault('sensor.stuck'), 'device.reboot': fault('device.reboot') };
    expect(faultList({ faults: record }).map((f) => f.name)).toEqual(['device.reboot', 'sensor.stuck']);
    const map = new Map(Object.entries(record));
    expect(faultList({ faults: map }).map((f) => f.name)).toEqual(['device.reboot', 'sensor.stuck']);
  });

  it('is empty for a run without a registry', () => {
    expect(faultList({})).toEqual([]);
  });
});
