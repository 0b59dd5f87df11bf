import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../src/net/broker.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import { loadScenarioFile } from '../../src/scenario/loader.ts';
import type { Plan } from '../../src/scenario/plan.ts';

/**
 * `prevented` charges an attack with what the same seed costs without it (src/runtime/counterfactual.ts).
 * That second run must not inherit what a broker someone else holds keeps from earlier: a retained
 * command on a pump's topic, left by the attacked run (attack.retained-pause) or anyone before it.
 */
describe('the counterfactual run of an attacked run on an external broker', () => {
  it('runs on a broker of its own: a retained command left on the external one does not reach it', async () => {
    const loaded = await loadScenarioFile('scenarios/attacks/forged-pause.yaml', SCENARIO_REGISTRIES);
    // Unwatched (an IDS refuses an external broker), judged by `prevented`, which asks for the counterfactual.
    const plan: Plan = { ...loaded, ids: false, expectations: [{ type: 'prevented', name: 'prevented', of: 'forged-pause' }] };
    const external = await EmbeddedBroker.start({ port: 0 });
    try {
      // Where the adversary's pause goes: the pump's command topic, as the broker saw it.
      const watcher = await mqtt.connectAsync(external.url, { clientId: 'watcher', reconnectPeriod: 0 });
      const commandTopics = new Set<string>();
      watcher.on('message', (topic) => {
        if (topic.endsWith('infusion-pump-001/cmd')) commandTopics.add(topic);
      });
      await watcher.subscribeAsync('#', { qos: 0 });
      await executeScenario({ ...plan, expectations: [] }, { brokerUrl: external.url });
      const [topic] = [...commandTopics];
      expect(topic).toBeDefined();
      // Left behind on the external broker: a retained stop for that pump.
      await watcher.publishAsync(topic!, JSON.stringify({ type: 'stop', id: 'left-behind', issuer: 'someone' }), { qos: 1, retain: true });
      await watcher.endAsync();

      const attacked = await executeScenario(plan, { brokerUrl: external.url });
      expect(attacked.counterfactual).toBeDefined();
      // The same run with the attack withheld on a fresh embedded broker: what the counterfactual must be.
      const withheld = await executeScenario({ ...plan, expectations: [] }, { port: 0, withholdAttacks: true });
      expect(attacked.counterfactual!.digest).toBe(withheld.digest);
      // And the attack is charged with the pause it caused: not prevented under open.
      expect(attacked.expectations[0]).toMatchObject({ type: 'prevented', passed: false });
    } finally {
      await external.close();
    }
  });
});
