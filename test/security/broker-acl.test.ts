import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/net/envelope.ts';
import { currentCode } from '../../src/net/security/mfa.ts';
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

/** The SUBACK's return codes, one per filter; mqtt.js rejects on any 0x80 but keeps the packet. */
async function granted(client: MqttClient, ...filters: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 1 })).map((g) => g.qos);
  } catch (error) {
    const packet = (error as { packet?: { granted?: number[] } }).packet;
    if (packet?.granted === undefined) throw error;
    return packet.granted;
  }
}
const command = (body: Record<string, unknown>, seq = 1) => encodeEnvelope({ v: 1, device: 'console', kind: 'console', seq, t: 0, body });

/** Segmentation on the embedded broker (hardened, without TLS so plain sockets suffice). */
describe('ACL segmentation', () => {
  let sb: SecureBroker;
  const opened: MqttClient[] = [];
  beforeAll(async () => {
    sb = await startSecureBroker('hardened', { tls: false, mutualTls: false });
  });
  afterEach(() => closeAll(opened));
  afterAll(() => sb.close());

  const as = (username: string) => connect(sb.broker.url, loginAs(sb.identities.get(username)!), opened);

  it('a device subscribes only to its own command topic: "#", "+" and another device get SUBACK 0x80', async () => {
    const pump = await as('medtwin-pump-001');
    expect(
      await granted(pump, topicOf('pump-001', 'cmd'), '#', 'medtwin/general-hospital/icu/+/+/telemetry', topicOf('pump-002', 'cmd')),
    ).toEqual([1, 128, 128, 128]);
    expect(sb.events.filter((e) => e.type === 'subscribe.denied').map((e) => e.type === 'subscribe.denied' && e.reason)).toEqual([
      'a device may not subscribe with wildcards',
      'a device may not subscribe with wildcards',
      'a device subscribes only to its own command topic medtwin/general-hospital/icu/infusion-pump/pump-001/cmd',
    ]);
  });

  it('a device cannot publish as another device or command a pump; it stays connected and its own messages flow', async () => {
    const twin = await as('medtwin-twin');
    await granted(twin, 'medtwin/general-hospital/#');
    const pump = await as('medtwin-pump-001');
    const target = await as('medtwin-pump-002');
    await granted(target, topicOf('pump-002', 'cmd'));
    const targetSaw = messagesUntil(target, topicOf('pump-002', 'cmd'));
    const twinSaw = messagesUntil(twin, topicOf('pump-001', 'telemetry'));
    // Spoofed telemetry of another pump, a forged command to it (QoS 1: acknowledged, then dropped).
    await pump.publishAsync(topicOf('pump-002', 'telemetry'), 'spoofed', { qos: 1 });
    await pump.publishAsync(topicOf('pump-002', 'cmd'), command({ type: 'bolus', amount: 25 }), { qos: 1 });
    await pump.publishAsync(topicOf('pump-001', 'telemetry'), 'mine', { qos: 1 });
    expect((await twinSaw).map((m) => m.topic)).toEqual([topicOf('pump-001', 'telemetry')]);
    expect(pump.connected).toBe(true);
    // The real command still reaches the pump, and the forged one never did.
    await twin.publishAsync(topicOf('pump-002', 'cmd'), command({ type: 'pause' }), { qos: 1 });
    expect((await targetSaw).map((m) => JSON.parse(m.payload).body.type)).toEqual(['pause']);
    const denied = sb.events.filter((e) => e.type === 'publish.denied');
    expect(denied.map((e) => e.type === 'publish.denied' && [e.clientId, e.topic])).toEqual([
      ['medtwin-pump-001', topicOf('pump-002', 'telemetry')],
      ['medtwin-pump-001', topicOf('pump-002', 'cmd')],
    ]);
  });

  it('a zone console reaches only its zone, reading and commanding', async () => {
    const icu = await as('medtwin-console-clinician-icu');
    expect(
      await granted(icu, 'medtwin/general-hospital/icu/#', 'medtwin/general-hospital/ward-a/#', 'medtwin/general-hospital/+/#', '#'),
    ).toEqual([1, 128, 128, 128]);
    const wardPump = await as('medtwin-pump-003');
    await granted(wardPump, topicOf('pump-003', 'cmd'));
    const saw = messagesUntil(wardPump, topicOf('pump-003', 'cmd'));
    await icu.publishAsync(topicOf('pump-003', 'cmd'), command({ type: 'stop' }), { qos: 1 });
    const ward = await as('medtwin-console-clinician-ward-a');
    await ward.publishAsync(topicOf('pump-003', 'cmd'), command({ type: 'pause' }), { qos: 1 });
    expect((await saw).map((m) => JSON.parse(m.payload).body.type)).toEqual(['pause']);
    expect(sb.events.at(-1)).toMatchObject({ type: 'command.sent', clientId: 'medtwin-console-clinician-ward-a', command: 'pause' });
  });

  it('$SYS is for the security role only', async () => {
    const clinician = await as('medtwin-console-clinician-icu');
    const security = await as('medtwin-console-security');
    expect(await granted(clinician, '$SYS/#')).toEqual([128]);
    expect(await granted(security, '$SYS/#', 'medtwin/general-hospital/#')).toEqual([1, 128]);
  });

  it("a last will on someone else's topic refuses the CONNECT", async () => {
    const pump = sb.identities.device('pump-001')!;
    const will = { topic: topicOf('pump-002', 'status'), payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true };
    expect(await connackCode(sb.broker.url, loginAs(pump, { will }), opened)).toBe(5);
    expect(sb.events.at(-1)).toMatchObject({ type: 'auth.refused', reason: 'will-denied' });
    expect(await connackCode(sb.broker.url, loginAs(pump, { will: { ...will, topic: topicOf('pump-001', 'status') } }), opened)).toBe(0);
  });

  it('a dose-changing command needs the dose permission and, under operatorMfa, a fresh TOTP code', async () => {
    const pump = await as('medtwin-pump-001');
    await granted(pump, topicOf('pump-001', 'cmd'));
    const saw = messagesUntil(pump, topicOf('pump-001', 'cmd'), 5000);
    const clinician = await as('medtwin-console-clinician-icu');
    const biomed = await as('medtwin-console-biomed-icu');
    const twin = await as('medtwin-twin');
    sb.clock.t = 3_600_000;
    const code = currentCode(sb.identities.console('clinician', 'icu')!, sb.clock.t);
    const program = { type: 'program', drug: 'heparin', rate: 20, vtbi: 100 };
    await biomed.publishAsync(topicOf('pump-001', 'cmd'), command({ ...program, auth: { otp: code } }), { qos: 1 });
    await twin.publishAsync(topicOf('pump-001', 'cmd'), command(program), { qos: 1 });
    await clinician.publishAsync(topicOf('pump-001', 'cmd'), command(program), { qos: 1 });
    await clinician.publishAsync(topicOf('pump-001', 'cmd'), command({ ...program, auth: { otp: '000000' } }), { qos: 1 });
    await clinician.publishAsync(topicOf('pump-001', 'cmd'), command({ ...program, vtbi: 50, auth: { otp: code } }), { qos: 1 });
    const delivered = await saw;
    expect(delivered.map((m) => JSON.parse(m.payload).body.vtbi)).toEqual([50]);
    // The same code again is a replay (RFC 6238 §5.2).
    const again = messagesUntil(pump, topicOf('pump-001', 'cmd'));
    await clinician.publishAsync(topicOf('pump-001', 'cmd'), command({ ...program, vtbi: 60, auth: { otp: code } }), { qos: 1 });
    await clinician.publishAsync(topicOf('pump-001', 'cmd'), command({ type: 'start' }), { qos: 1 });
    expect((await again).map((m) => JSON.parse(m.payload).body.type)).toEqual(['start']);
    const reasons = sb.events.flatMap((e) => (e.type === 'publish.denied' && e.topic === topicOf('pump-001', 'cmd') ? [e.reason] : []));
    expect(reasons.slice(-5)).toEqual([
      'role biomed may not send dose-changing commands (needs dose)',
      'program changes a dose: under operatorMfa only an operator with a second factor may send it',
      'program changes a dose and needs a second factor: mfa-missing',
      'program changes a dose and needs a second factor: mfa-invalid',
      'program changes a dose and needs a second factor: mfa-reused',
    ]);
  });

  it("a TOTP code is accepted once per target pump: a clinician's round confirms two pumps within one 30 s step", async () => {
    const pumps = [await as('medtwin-pump-001'), await as('medtwin-pump-002')];
    await granted(pumps[0]!, topicOf('pump-001', 'cmd'));
    await granted(pumps[1]!, topicOf('pump-002', 'cmd'));
    const saw = [messagesUntil(pumps[0]!, topicOf('pump-001', 'cmd')), messagesUntil(pumps[1]!, topicOf('pump-002', 'cmd'))];
    const clinician = await as('medtwin-console-clinician-icu');
    sb.clock.t = 7_200_000;
    const otp = currentCode(sb.identities.console('clinician', 'icu')!, sb.clock.t);
    const program = { type: 'program', drug: 'heparin', rate: 20, vtbi: 100, auth: { otp } };
    await clinician.publishAsync(topicOf('pump-001', 'cmd'), command(program), { qos: 1 });
    await clinician.publishAsync(topicOf('pump-002', 'cmd'), command(program), { qos: 1 });
    expect((await saw[0]!).map((m) => JSON.parse(m.payload).body.type)).toEqual(['program']);
    expect((await saw[1]!).map((m) => JSON.parse(m.payload).body.type)).toEqual(['program']);
  });
});
