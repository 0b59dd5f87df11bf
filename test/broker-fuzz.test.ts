import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { fuzzBroker, LatencyProbe, sendCorpus, type Target } from './fuzz/campaign.ts';
import { throwawayCert } from './helpers/tls-cert.ts';

/**
 * A small seeded slice of `npm run fuzz` (which sends 100,000 packets and measures memory): the
 * known-bad corpus over TCP and TLS, then 3,000 random and mutated packets, while a well-behaved
 * client keeps publishing through the broker and must be answered every time.
 */
describe('the embedded broker under fuzzing', () => {
  let tcp: EmbeddedBroker;
  let tls: EmbeddedBroker;
  let target: Target;
  let ca: string;
  beforeAll(async () => {
    const cert = await throwawayCert();
    ca = cert.ca;
    tcp = await EmbeddedBroker.start();
    tls = await EmbeddedBroker.start({ tls: { key: cert.key, cert: cert.cert } });
    target = { tcpPort: tcp.port, tls: { port: tls.port, ca } };
  });
  afterAll(async () => {
    await Promise.all([tcp.close(), tls.close()]);
  });

  it('closes the connection on every known-bad packet, over TCP and TLS, and stays up', async () => {
    const outcomes = await sendCorpus(target);
    expect(outcomes.filter((o) => !o.closed).map((o) => o.name)).toEqual([]);
    expect(tls.url).toMatch(/^mqtts:\/\//);
    const client = await mqtt.connectAsync(tls.url, { ca, servername: 'localhost', reconnectPeriod: 0, clientId: 'after-corpus' });
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('serves a well-behaved client through 3,000 fuzzed packets (seed 1)', async () => {
    const probe = await LatencyProbe.start(tcp.url, 20);
    const result = await fuzzBroker({ target, packets: 3000, seed: 1, concurrency: 8 });
    await probe.stop();
    expect(result.packetsSent).toBeGreaterThanOrEqual(3000 * 0.9);
    expect(result.connections.tls).toBeGreaterThan(0);
    expect(probe.disconnects).toBe(0);
    expect(probe.unanswered).toBe(0);
    expect(probe.latenciesMs.length).toBeGreaterThan(0);
    // Both listeners still take new clients.
    for (const url of [tcp.url, tls.url]) {
      const client = await mqtt.connectAsync(url, {
        ca,
        servername: 'localhost',
        reconnectPeriod: 0,
        clientId: `after-fuzz-${url.slice(0, 5)}`,
      });
      await client.publishAsync('still/up', 'yes', { qos: 1 });
      await client.endAsync();
    }
  });
});
