import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import { mosquittoSkipReason, startMosquitto, type MosquittoInstance } from './helpers/mosquitto.ts';
import { smallWard } from './helpers/plans.ts';

const skip = mosquittoSkipReason();
if (skip) console.warn(`[skipped] ${skip}`);

describe.skipIf(skip !== undefined)('the fleet against a real Mosquitto (--broker)', () => {
  let mosquitto: MosquittoInstance;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
  });
  afterAll(async () => {
    await mosquitto?.stop();
  });

  it('delivers everything and reaches the same verdicts and digest as the embedded broker', async () => {
    const plan = smallWard({ durationMs: 5 * 60_000 });
    const onMosquitto = await executeScenario(plan, { brokerUrl: mosquitto.url });
    expect(onMosquitto.broker.url).toBe(mosquitto.url);
    expect(onMosquitto.delivery.lost).toBe(0);
    expect(onMosquitto.delivery.settleTimeouts).toBe(0);
    for (const device of onMosquitto.devices) expect(device.deliveredToTwin, device.id).toBe(device.published);

    const aedes = await EmbeddedBroker.start();
    try {
      const onAedes = await executeScenario(plan, { brokerUrl: aedes.url });
      // The broker is transport, not behaviour: the same seed gives the same log on either.
      expect(onMosquitto.digest).toBe(onAedes.digest);
      expect(onMosquitto.delivery.published).toBe(onAedes.delivery.published);
    } finally {
      await aedes.close();
    }
  });
});
