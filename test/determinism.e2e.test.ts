import { describe, expect, it } from 'vitest';
import { loadPlans } from '../src/cli/load.ts';
import { executeScenario } from '../src/runtime/execute.ts';

describe('same seed, same digest, however the run is paced and wherever the broker runs', () => {
  it('a library scenario with commands, cascades and repeats: across settle windows, and aedes in this process or a child', async () => {
    // triggered.yaml: repeating occlusions, nurse commands that clear them, faults triggered by alarms
    // — commands cross the network mid-window, so every settle goes through the ledger's account.
    const [plan] = await loadPlans(['scenarios/triggered.yaml']);
    const embedded = await executeScenario(plan!, { port: 0, brokerPlacement: 'in-process', seed: 3 });
    expect(embedded.broker.placement).toBe('in-process');
    expect(embedded.delivery.settleTimeouts).toBe(0);
    expect(embedded.delivery.ledger!.totals.inFlight).toBe(0);
    expect(embedded.delivery.ledger!.totals.lost).toBe(0);
    const child = await executeScenario(plan!, { port: 0, brokerPlacement: 'child-process', seed: 3, syncMs: 1_000 });
    expect(child.broker.placement).toBe('child-process');
    expect(child.digest).toBe(embedded.digest);
    const longWindows = await executeScenario(plan!, { port: 0, brokerPlacement: 'in-process', seed: 3, syncMs: 300_000 });
    expect(longWindows.digest).toBe(embedded.digest);
    // The commands were booked in the ledger and all delivered.
    const commands = Object.values(embedded.delivery.ledger!.devices).reduce((sum, byChannel) => sum + (byChannel.cmd?.delivered ?? 0), 0);
    expect(commands).toBeGreaterThan(0);
  }, 120_000);
});
