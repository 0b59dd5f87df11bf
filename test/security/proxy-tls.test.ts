import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import { FaultProxy } from '../../src/net/proxy/fault-proxy.ts';
import type { CertificateFiles } from '../../src/net/security/tls-ca.ts';
import { RunCertificateAuthority } from '../../src/net/security/tls-ca.ts';
import { clientTlsOptions, proxyTlsOptions, serverTlsOptions } from '../../src/net/security/tls-options.ts';
import {
  closeAll,
  connackCode,
  connect,
  loginAs,
  messagesUntil,
  type SecureBroker,
  startSecureBroker,
  topicOf,
} from '../helpers/secure-broker.ts';
import { quiet, until } from '../helpers/until.ts';

/*
 * The fault proxy terminating TLS in front of a real aedes TLS listener, with real mqtt.js clients:
 * the proxy serves its own certificate from the run CA, verifies the broker with the same CA, and under
 * mutual TLS requires each client's certificate and presents that identity's upstream, so the broker
 * still binds each device to its certificate's CN (docs/network.md#under-a-security-profile).
 */

/**
 * How a raw TLS client with `extra` fares against the proxy: `error: <code>` if its handshake (or the
 * server's verdict on its certificate, which TLS 1.3 sends after the client's side is done) fails,
 * `closed` if the server closes on it. Only for clients the server refuses: an accepted one stays open.
 */
function refusal(port: number, ca: string, extra: { cert?: string; key?: string; maxVersion?: 'TLSv1.1' } = {}): Promise<string> {
  return new Promise((resolve) => {
    const { maxVersion, ...own } = extra;
    const socket = tlsConnect({
      port,
      host: '127.0.0.1',
      ca,
      ...own,
      ...(maxVersion ? { maxVersion, minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    });
    socket.resume();
    socket.once('error', (error) => resolve(`error: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    socket.once('close', () => resolve('closed'));
  });
}

async function startProxy(sb: SecureBroker, ca: RunCertificateAuthority, mutual: boolean, certificates: Map<string, CertificateFiles>) {
  const own = await ca.issueServer(['localhost', '127.0.0.1'], 'medtwin fault proxy');
  const clock = new SimClock();
  const proxy = await FaultProxy.start({
    name: 'zone:icu',
    upstream: { host: sb.broker.host, port: sb.broker.port },
    clock,
    rng: new Rng(42),
    tls: proxyTlsOptions(ca.certPem, own, mutual, (clientId) => certificates.get(clientId)),
  });
  return { proxy, clock };
}

describe('fault proxy terminating TLS, hardened (mutual TLS)', () => {
  let ca: RunCertificateAuthority;
  let sb: SecureBroker;
  let proxy: FaultProxy;
  let clock: SimClock;
  const certificates = new Map<string, CertificateFiles>();
  const opened: MqttClient[] = [];
  const tlsAs = (clientId: string) => clientTlsOptions(ca.certPem, certificates.get(clientId));
  /** The twin straight on the broker, reading the site: what arrives went through the proxy. */
  const twin = async () => {
    const identity = sb.identities.twin;
    const client = await connect(sb.broker.url, loginAs(identity, { ...tlsAs(identity.clientId), servername: 'localhost' }), opened);
    await client.subscribeAsync('medtwin/general-hospital/#', { qos: 1 });
    return client;
  };
  const pump = (deviceId = 'pump-001') => sb.identities.device(deviceId)!;

  beforeAll(async () => {
    ca = await RunCertificateAuthority.create();
    sb = await startSecureBroker('hardened', {}, { tls: serverTlsOptions(ca.certPem, await ca.issueServer(), true) });
    for (const identity of sb.identities.all()) certificates.set(identity.clientId, await ca.issueClient(identity.clientId));
    ({ proxy, clock } = await startProxy(sb, ca, true, certificates));
  });
  afterEach(async () => {
    await closeAll(opened);
    proxy.setDown(false);
    for (const toxic of proxy.toxics()) proxy.removeToxic(toxic.name);
  });
  afterAll(async () => {
    await proxy.close();
    await sb.close();
  });

  it('carries a device that presents its own certificate; the broker authenticates it by that certificate, and the proxy reads its MQTT', async () => {
    expect(proxy.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const station = await twin();
    const device = pump();
    const client = await connect(proxy.url, loginAs(device, tlsAs(device.clientId)), opened);
    const telemetry = topicOf('pump-001', 'telemetry');
    const seen = messagesUntil(station, telemetry);
    await client.publishAsync(telemetry, 'rate 2.0', { qos: 1 });
    expect(await seen).toEqual([{ topic: telemetry, payload: 'rate 2.0' }]);
    expect(sb.events).toContainEqual(expect.objectContaining({ type: 'auth.accepted', clientId: device.clientId }));
    // The proxy decrypted the stream: it read the CONNECT's client id and counted every byte through.
    expect(proxy.connections().map((c) => c.clientId)).toContain(device.clientId);
    const account = proxy.account();
    expect(account.upstream.bytes.in).toBe(account.upstream.bytes.out);
    expect(account.upstream.bytes.in).toBeGreaterThan(0);
  });

  it('a latency fault holds the device’s PUBLISH on the proxy clock, under TLS both ways', async () => {
    const station = await twin();
    const device = pump();
    const client = await connect(proxy.url, loginAs(device, tlsAs(device.clientId)), opened);
    const events: string[] = [];
    const off = proxy.onEvent((e) => e.type === 'publish' && events.push(e.fate));
    proxy.addToxic({ type: 'latency', direction: 'upstream', params: { latency: '2s' } });
    const telemetry = topicOf('pump-001', 'telemetry');
    const received: string[] = [];
    station.on('message', (topic, payload) => topic === telemetry && received.push(payload.toString()));
    client.publish(telemetry, 'late', { qos: 0 });
    await until(() => events.includes('delayed'), 'the proxy to hold the PUBLISH');
    await quiet();
    expect(received).toEqual([]);
    clock.advance(2000);
    await until(() => received.length === 1, 'the PUBLISH after 2 s of proxy time');
    expect(received).toEqual(['late']);
    off();
  });

  it('down resets the device’s TLS connection and refuses new ones before any handshake; up lets it back in', async () => {
    const device = pump();
    const client = await connect(proxy.url, loginAs(device, tlsAs(device.clientId)), opened);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const refusedBefore = proxy.account().refused;
    proxy.setDown(true);
    await closed;
    await expect(connect(proxy.url, loginAs(device, tlsAs(device.clientId)), opened)).rejects.toThrow();
    expect(proxy.account().refused).toBe(refusedBefore + 1);
    proxy.setDown(false);
    expect(await connackCode(proxy.url, loginAs(device, tlsAs(device.clientId)), opened)).toBe(0);
  });

  it('refuses a client without a device certificate at its own handshake: the broker never sees it', async () => {
    const device = pump();
    const before = { events: sb.events.length, account: proxy.account() };
    await expect(connect(proxy.url, loginAs(device, clientTlsOptions(ca.certPem)), opened)).rejects.toThrow();
    await until(() => proxy.account().tlsRefused === (before.account.tlsRefused ?? 0) + 1, 'the proxy to count the refusal');
    expect(proxy.account().accepted).toBe(before.account.accepted);
    expect(sb.events.length).toBe(before.events);
  });

  it('refuses a certificate from another CA at its handshake', async () => {
    const rogue = await RunCertificateAuthority.create({ name: 'rogue' });
    const files = await rogue.issueClient(pump().clientId);
    const before = proxy.account();
    await refusal(proxy.port, ca.certPem, files);
    await until(() => proxy.account().tlsRefused === (before.tlsRefused ?? 0) + 1, 'the proxy to count the refusal');
    expect(proxy.account().accepted).toBe(before.accepted);
  });

  it("presents the identity the client proved: another device's certificate gets CONNACK 5 from the broker", async () => {
    const device = pump('pump-001');
    const other = pump('pump-002');
    expect(await connackCode(proxy.url, loginAs(device, tlsAs(other.clientId)), opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', clientId: device.clientId, reason: 'certificate-mismatch' });
  });

  it('a certificate the CA signed for a name that is no identity of the run has nothing to present upstream: refused', async () => {
    const files = await ca.issueClient('medtwin-stranger');
    const before = proxy.account();
    await refusal(proxy.port, ca.certPem, files);
    await until(() => proxy.account().tlsRefused === (before.tlsRefused ?? 0) + 1, 'the proxy to count the refusal');
    expect(proxy.account().accepted).toBe(before.accepted);
  });

  it('refuses TLS 1.1 and a plaintext client', async () => {
    const device = certificates.get(pump().clientId)!;
    expect(await refusal(proxy.port, ca.certPem, { ...device, maxVersion: 'TLSv1.1' })).toMatch(/^error: /);
    const reply = await new Promise<Buffer>((resolve) => {
      const socket = tcpConnect(proxy.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      // CONNECT, MQTT 3.1.1, clean session, client id "x".
      socket.write(Buffer.from([0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x78]));
    });
    // A TLS alert record (0x15) at most, never a CONNACK (0x20).
    if (reply.length > 0) expect(reply[0]).toBe(0x15);
  });
});

describe('fault proxy terminating TLS, baseline (server certificates only)', () => {
  let ca: RunCertificateAuthority;
  let sb: SecureBroker;
  let proxy: FaultProxy;
  const opened: MqttClient[] = [];
  beforeAll(async () => {
    ca = await RunCertificateAuthority.create();
    sb = await startSecureBroker('baseline', {}, { tls: serverTlsOptions(ca.certPem, await ca.issueServer(), false) });
    ({ proxy } = await startProxy(sb, ca, false, new Map()));
  });
  afterEach(() => closeAll(opened));
  afterAll(async () => {
    await proxy.close();
    await sb.close();
  });

  it('carries a device that trusts the run CA; a wrong password is still refused by the broker behind it', async () => {
    const device = sb.identities.device('pump-003')!;
    expect(await connackCode(proxy.url, loginAs(device, clientTlsOptions(ca.certPem)), opened)).toBe(0);
    expect(await connackCode(proxy.url, { ...loginAs(device, clientTlsOptions(ca.certPem)), password: 'guess' }, opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', clientId: device.clientId });
  });

  it('a client that trusts another CA refuses the proxy', async () => {
    const other = await RunCertificateAuthority.create({ name: 'someone else' });
    expect(await refusal(proxy.port, other.certPem)).toBe('error: SELF_SIGNED_CERT_IN_CHAIN');
  });
});
