import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connackCode, connect, loginAs, type SecureBroker, startSecureBroker } from '../helpers/secure-broker.ts';

/** Authentication and lockout on the embedded broker, over real sockets with mqtt.js clients. */
describe('authentication (baseline)', () => {
  let sb: SecureBroker;
  const opened: MqttClient[] = [];
  beforeAll(async () => {
    sb = await startSecureBroker('baseline', { tls: false });
  });
  afterEach(() => closeAll(opened));
  afterAll(() => sb.close());

  const pump = () => sb.identities.device('pump-001')!;

  it('accepts a device with its own credentials', async () => {
    expect(await connackCode(sb.broker.url, loginAs(pump()), opened)).toBe(0);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.accepted', clientId: 'medtwin-pump-001' });
  });

  it('refuses an anonymous client with CONNACK 5 "not authorised"', async () => {
    expect(await connackCode(sb.broker.url, { clientId: 'medtwin-pump-001' }, opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', reason: 'anonymous' });
  });

  it('refuses a wrong password, an unknown user and a borrowed client id', async () => {
    const url = sb.broker.url;
    expect(await connackCode(url, loginAs(pump(), { password: 'admin' }), opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', reason: 'bad-password', username: 'medtwin-pump-001' });
    expect(await connackCode(url, { clientId: 'x', username: 'admin', password: 'admin' }, opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', reason: 'unknown-identity' });
    // A pump's credentials cannot take over another pump's session (client-id takeover).
    expect(await connackCode(url, loginAs(pump(), { clientId: 'medtwin-pump-002' }), opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', reason: 'client-id-mismatch' });
  });

  it('locks an identity out after repeated failures, in the injected clock, and logs it', async () => {
    const url = sb.broker.url;
    const monitor = sb.identities.device('monitor-001')!;
    sb.clock.t = 1_000;
    for (let i = 0; i < 3; i++) expect(await connackCode(url, loginAs(monitor, { password: `guess-${i}` }), opened)).toBe(5);
    expect(sb.events.find((e) => e.type === 'auth.lockout')).toEqual({
      type: 'auth.lockout',
      t: 1_000,
      username: 'medtwin-monitor-001',
      failures: 3,
      until: 121_000,
    });
    // Locked out: the right password is refused too, until the lockout ends.
    expect(await connackCode(url, loginAs(monitor), opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', reason: 'locked-out' });
    sb.clock.t = 121_000;
    expect(await connackCode(url, loginAs(monitor), opened)).toBe(0);
  });

  it('never prints a credential', () => {
    const text = JSON.stringify([...sb.identities.all()]);
    expect(text).toContain('"password":"[secret]"');
    expect(text).not.toContain(pump().password.reveal());
    expect(String(pump().password)).toBe('[secret]');
  });

  it('keeps the broker serving well-behaved clients through the refusals', async () => {
    const client = await connect(sb.broker.url, loginAs(sb.identities.twin), opened);
    expect(client.connected).toBe(true);
    expect(sb.security.stats.refused).toBeGreaterThanOrEqual(7);
  });
});

describe('authentication off (open)', () => {
  it('lets anyone in, as before', async () => {
    const sb = await startSecureBroker('open');
    const opened: MqttClient[] = [];
    try {
      expect(sb.security.hooks).toEqual({});
      expect(await connackCode(sb.broker.url, { clientId: 'anyone' }, opened)).toBe(0);
    } finally {
      await closeAll(opened);
      await sb.close();
    }
  });
});
