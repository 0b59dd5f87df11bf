import { connect as tlsConnect } from 'node:tls';
import { connect as tcpConnect } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunCertificateAuthority } from '../../src/net/security/tls-ca.ts';
import { clientTlsOptions, serverTlsOptions } from '../../src/net/security/tls-options.ts';
import { closeAll, connackCode, loginAs, type SecureBroker, startSecureBroker } from '../helpers/secure-broker.ts';

/** Resolves with what happened to a raw socket that sends a plaintext CONNECT to `port`. */
function plaintextConnect(port: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    // CONNECT, MQTT 3.1.1, clean session, client id "x".
    socket.write(Buffer.from([0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x78]));
  });
}

/** The negotiated protocol, or the handshake error, of a TLS client limited to `maxVersion`. */
function handshake(port: number, ca: string, options: { maxVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({
      port,
      host: '127.0.0.1',
      ca,
      servername: 'localhost',
      // OpenSSL's default security level refuses TLS 1.0/1.1 on the client side too; lower it to ask.
      ...(options.maxVersion === 'TLSv1.1' ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
      ...options,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.once('error', (error) => resolve(`error: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
  });
}

describe('TLS listener (baseline: server certificate only)', () => {
  let ca: RunCertificateAuthority;
  let sb: SecureBroker;
  const opened: MqttClient[] = [];
  beforeAll(async () => {
    ca = await RunCertificateAuthority.create();
    sb = await startSecureBroker('baseline', {}, { tls: serverTlsOptions(ca.certPem, await ca.issueServer(), false) });
  });
  afterEach(() => closeAll(opened));
  afterAll(() => sb.close());

  it('serves mqtts, verified against the run CA', async () => {
    expect(sb.broker.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const pump = sb.identities.device('pump-001')!;
    expect(await connackCode(sb.broker.url, loginAs(pump, { ...clientTlsOptions(ca.certPem), servername: 'localhost' }), opened)).toBe(0);
  });

  it('a plaintext client cannot connect: no CONNACK, the socket is closed', async () => {
    const reply = await plaintextConnect(sb.broker.port);
    // What came back, if anything, is a TLS alert record (content type 0x15), never a CONNACK (0x20).
    if (reply.length > 0) expect(reply[0]).toBe(0x15);
    expect(sb.security.stats.accepted).toBe(1);
  });

  it('negotiates TLS 1.2 or 1.3 and refuses 1.1', async () => {
    expect(['TLSv1.2', 'TLSv1.3']).toContain(await handshake(sb.broker.port, ca.certPem));
    expect(await handshake(sb.broker.port, ca.certPem, { maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    expect(await handshake(sb.broker.port, ca.certPem, { maxVersion: 'TLSv1.1' })).toMatch(/^error: /);
  });

  it('a client that trusts another CA refuses the broker', async () => {
    const other = await RunCertificateAuthority.create({ name: 'someone else' });
    expect(await handshake(sb.broker.port, other.certPem)).toBe('error: SELF_SIGNED_CERT_IN_CHAIN');
  });
});

describe('mutual TLS (hardened)', () => {
  let ca: RunCertificateAuthority;
  let sb: SecureBroker;
  const opened: MqttClient[] = [];
  beforeAll(async () => {
    ca = await RunCertificateAuthority.create();
    sb = await startSecureBroker('hardened', {}, { tls: serverTlsOptions(ca.certPem, await ca.issueServer(), true) });
  });
  afterEach(() => closeAll(opened));
  afterAll(() => sb.close());

  it('accepts a device presenting its own certificate and credentials', async () => {
    const pump = sb.identities.device('pump-001')!;
    const tls = { ...clientTlsOptions(ca.certPem, await ca.issueClient(pump.clientId)), servername: 'localhost' };
    expect(await connackCode(sb.broker.url, loginAs(pump, tls), opened)).toBe(0);
  });

  it('refuses a client without a device certificate in the handshake, before MQTT', async () => {
    const pump = sb.identities.device('pump-001')!;
    const before = sb.events.length;
    await expect(
      connackCode(sb.broker.url, loginAs(pump, { ...clientTlsOptions(ca.certPem), servername: 'localhost' }), opened),
    ).rejects.toThrow();
    // The broker's MQTT layer never saw it.
    expect(sb.events.length).toBe(before);
  });

  it("refuses another device's certificate (CN is not the client id) with CONNACK 5", async () => {
    const pump = sb.identities.device('pump-001')!;
    const tls = { ...clientTlsOptions(ca.certPem, await ca.issueClient('medtwin-pump-002')), servername: 'localhost' };
    expect(await connackCode(sb.broker.url, loginAs(pump, tls), opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', reason: 'certificate-mismatch' });
  });

  it('refuses a certificate from another CA in the handshake', async () => {
    const pump = sb.identities.device('pump-001')!;
    const rogue = await RunCertificateAuthority.create({ name: 'rogue' });
    const tls = { ...clientTlsOptions(ca.certPem, await rogue.issueClient(pump.clientId)), servername: 'localhost' };
    await expect(connackCode(sb.broker.url, loginAs(pump, tls), opened)).rejects.toThrow();
  });
});
