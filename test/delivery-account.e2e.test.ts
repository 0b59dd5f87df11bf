import { describe, expect, it } from 'vitest';
import { executeScenario } from '../src/runtime/execute.ts';
import { expectationSchema } from '../src/scenario/schema.ts';
import { parseTimeline } from './helpers/network-plans.ts';
import { smallWard } from './helpers/plans.ts';
import { suiteBroker } from './helpers/suite-broker.ts';

/**
 * The delivery account's expectations on real runs: a fault on real sockets drops a pump's QoS 1
 * occlusion alarm or duplicates telemetry, and the verdicts read it from the delivery ledger and the
 * twin (docs/network.md#the-delivery-account).
 */
describe('delivery metrics and no-alarm-lost on a real run', () => {
  const broker = suiteBroker();

  const expectations = [
    { type: 'invariant', name: 'alarms reach the twin', invariant: 'no-alarm-lost' },
    { type: 'metric', name: 'copies', metric: 'duplicates', aggregate: 'sum', max: 0 },
    { type: 'metric', name: 'loss', metric: 'data-loss', aggregate: 'max', max: 0 },
    { type: 'metric', name: 'silence', metric: 'max-staleness', aggregate: 'max', max: 600 },
  ].map((e) => expectationSchema.parse(e));
  const occlusion = { id: 'kink', at: '2m', fault: 'device.occlusion-downstream', target: { device: 'infusion-pump-001' } };

  function plan(network: unknown[]) {
    return smallWard({ durationMs: 6 * 60_000, timeline: parseTimeline([occlusion, ...network]), expectations });
  }

  it('a dropped alarm breaks no-alarm-lost, naming the alarm and why; duplicated copies are not deliveries', async () => {
    const result = await executeScenario(
      plan([
        {
          id: 'drop-alarms',
          at: '1m',
          fault: 'network.mqtt-drop',
          target: { scope: 'link', device: 'infusion-pump-001' },
          params: { topic: 'medtwin/+/+/+/+/alarm', direction: 'upstream' },
        },
        { id: 'echo', at: '0s', fault: 'network.mqtt-duplicate', target: { zone: 'ward-a' }, params: { probability: 0.2 } },
      ]),
      { brokerUrl: broker.url },
    );
    const verdict = (name: string) => result.expectations.find((e) => e.name === name)!;
    const alarms = verdict('alarms reach the twin');
    expect(alarms.passed).toBe(false);
    expect(alarms.message).toMatch(/occlusion\.downstream raised on infusion-pump-001 at 00:02:\d\d: lost \(network:dropped\)/);
    expect(alarms.evidence.length).toBeGreaterThan(0);
    // The copies are counted as such: nothing the fault duplicated hides the dropped alarms.
    expect(verdict('copies').passed).toBe(false);
    expect(result.delivery.duplicates).toBe(result.delivery.ledger!.totals.duplicated);
    expect(result.delivery.lost).toBe(result.delivery.lostToFaults);
    expect(verdict('loss').passed).toBe(false);
    expect(verdict('loss').message).toContain('infusion-pump-001');
    expect(verdict('silence').passed).toBe(true);
  }, 60_000);

  it('without the faults the same alarm arrives and every figure holds', async () => {
    const result = await executeScenario(plan([]), { brokerUrl: broker.url });
    for (const e of result.expectations) expect(e.passed, `${e.name}: ${e.message}`).toBe(true);
    expect(result.alarms.byCode['occlusion.downstream']).toBeGreaterThan(0);
  }, 60_000);
});
