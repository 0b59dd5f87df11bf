import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { Adversary } from '../../src/defense/adversary/adversary.ts';
import type { AttackRun, AttackTarget } from '../../src/defense/attacks/attack.ts';
import { ATTACKS, type AttackName } from '../../src/defense/attacks/registry.ts';
import { BrokerTap } from '../../src/defense/ids/broker-tap.ts';
import { IdsContext } from '../../src/defense/ids/context.ts';
import { IdsDetector } from '../../src/defense/ids/detector.ts';
import type { ObservedEvent } from '../../src/defense/ids/observation.ts';
import type { RuleName } from '../../src/defense/ids/registry.ts';
import { datasetRecords } from '../../src/defense/dataset/record.ts';
import { BrokerReceipts } from '../../src/net/broker-receipts.ts';
import { encodeEnvelope } from '../../src/net/envelope.ts';
import {
  closeAll,
  connect,
  FLEET,
  loginAs,
  messagesUntil,
  type SecureBroker,
  startSecureBroker,
  topicOf,
} from '../helpers/secure-broker.ts';
import { until } from '../helpers/until.ts';

/**
 * Every attack of the catalogue against a real embedded broker on loopback, with real mqtt.js clients
 * standing in for the target pump and the twin: under `open` it lands (the target sees its effect) and
 * the IDS rules the catalogue names fire; under `hardened` it is stopped — refused at CONNECT for an
 * outsider, dropped by the ACL for an adversary holding a stolen device's credentials — and what it
 * tried is still seen.
 */
type Profile = 'open' | 'baseline' | 'hardened';

interface Arena {
  sb: SecureBroker;
  pump: MqttClient;
  twin: MqttClient;
  adversary: Adversary;
  target: AttackTarget;
  /** Feeds everything the broker tap saw to a fresh detector and returns the rules that fired, with severities. */
  alerts(): { rule: RuleName; severity: string }[];
  /** Every observation the detector has numbered so far. */
  observed: ObservedEvent[];
  login(username: string): Parameters<typeof connect>[1];
}

const opened: MqttClient[] = [];
const arenas: Arena[] = [];
afterEach(async () => {
  for (const a of arenas.splice(0)) await a.adversary.close();
  await closeAll(opened);
});
const brokers: SecureBroker[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.close();
});

const resume = (t = 0) => encodeEnvelope({ v: 1, device: 'console', kind: 'console', seq: 1, t, body: { type: 'resume' } });
const telemetry = (seq: number) =>
  encodeEnvelope({ v: 1, device: 'pump-001', kind: 'infusion-pump', seq, t: 0, body: { state: 'infusing' } });
const bodyType = (payload: string): string => JSON.parse(payload).body.type;

async function arena(profile: Profile, foothold?: string): Promise<Arena> {
  // Plain sockets under hardened too: TLS has its own tests (test/security/broker-tls.test.ts).
  const sb = await startSecureBroker(profile, profile === 'open' ? {} : { tls: false, mutualTls: false });
  brokers.push(sb);
  const tap = new BrokerTap({ now: () => sb.clock.t, security: sb.security });
  tap.attach(sb.broker.aedes);
  // What the broker drops before MQTT (handshakes, malformed and oversized packets), as run-ids.ts feeds it.
  sb.broker.onLog((e) => {
    if (e.type === 'client.error' && e.cause !== undefined)
      tap.brokerError({ cause: e.cause, error: e.error, ...(e.port === undefined ? {} : { port: e.port }) });
  });
  const login = (username: string) => (profile === 'open' ? { clientId: username } : loginAs(sb.identities.get(username)!));
  const pump = await connect(sb.broker.url, login('medtwin-pump-001'), opened);
  await pump.subscribeAsync(topicOf('pump-001', 'cmd'), { qos: 1 });
  const twin = await connect(sb.broker.url, login('medtwin-twin'), opened);
  await twin.subscribeAsync('medtwin/general-hospital/#', { qos: 1 });
  sb.clock.t = 60_000;
  const stolen = foothold === undefined ? undefined : (sb.identities.device(foothold) ?? sb.identities.get(foothold)!);
  const target: AttackTarget = {
    site: FLEET.site,
    zone: 'icu',
    kind: 'infusion-pump',
    deviceId: 'pump-001',
    clientId: 'medtwin-pump-001',
    ...(stolen === undefined
      ? {}
      : { foothold: { clientId: stolen.clientId, username: stolen.username, password: stolen.password.reveal() } }),
  };
  const observed: ObservedEvent[] = [];
  let fed = 0;
  const detector = new IdsDetector(new IdsContext(FLEET), undefined, { onObservation: (o) => observed.push(o) });
  const a: Arena = {
    sb,
    pump,
    twin,
    target,
    adversary: new Adversary({ url: sb.broker.url, now: () => sb.clock.t }),
    login,
    observed,
    alerts() {
      // Copied, not consumed: tests also read sb.events.
      for (const e of sb.events.slice(fed)) tap.securityEvent(e);
      fed = sb.events.length;
      return detector.observe(tap.drain()).map((alert) => ({ rule: alert.data.rule, severity: alert.data.severity }));
    },
  };
  arenas.push(a);
  return a;
}

function launch(a: Arena, name: AttackName, params: Record<string, unknown> = {}): Promise<AttackRun> {
  const attack = ATTACKS[name];
  return attack.execute({ adversary: a.adversary, target: a.target, twinClientId: 'medtwin-twin' }, attack.params.parse(params) as never);
}

/** The commands the pump receives until the twin's `resume` marker, sent after `before` settled (one sender's messages keep their order). */
function commandsAtPump(a: Arena, before: Promise<unknown>): Promise<string[]> {
  return commandsAt(a, a.pump, 'pump-001', before);
}

/** The commands `device` (connected as `client`) receives until the twin's marker, sent after `before` settled. */
async function commandsAt(a: Arena, client: MqttClient, device: string, before: Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const done = new Promise<void>((resolve) => {
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic !== topicOf(device, 'cmd')) return;
      seen.push(bodyType(payload.toString()));
      if (seen.at(-1) === 'resume') {
        client.off('message', onMessage);
        resolve();
      }
    };
    client.on('message', onMessage);
  });
  await before;
  await a.twin.publishAsync(topicOf(device, 'cmd'), resume(), { qos: 1 });
  await done;
  return seen;
}

/** Connects `device` as itself, listening on its command topic. */
async function victim(a: Arena, device: string): Promise<MqttClient> {
  const client = await connect(a.sb.broker.url, a.login(`medtwin-${device}`), opened);
  await client.subscribeAsync(topicOf(device, 'cmd'), { qos: 1 });
  return client;
}

/** The arena's target moved to another device (the adversary's foothold kept). */
function aimAt(a: Arena, deviceId: string, kind: string, zone = 'icu'): void {
  a.target = { ...a.target, deviceId, kind, zone, clientId: `medtwin-${deviceId}` };
}

const rules = (alerts: { rule: RuleName }[]) => [...new Set(alerts.map((x) => x.rule))].sort();

describe('every attack names rules, controls and metrics that exist', () => {
  it('the catalogue is consistent', () => {
    for (const [name, attack] of Object.entries(ATTACKS)) {
      expect(attack.name).toBe(name);
      expect(attack.category).toBe('attack');
      expect(attack.stoppedBy.length).toBeGreaterThan(0);
      expect(attack.detectedBy.length).toBeGreaterThan(0);
      expect(attack.techniques.length).toBeGreaterThan(0);
    }
  });
});

describe('attack.recon-wildcard', () => {
  it('open: reads every device and the broker’s client list, and is seen', async () => {
    const a = await arena('open');
    const run = await launch(a, 'attack.recon-wildcard');
    await a.pump.publishAsync(topicOf('pump-001', 'telemetry'), telemetry(1), { qos: 1 });
    await until(() => run.exposed().includes('pump-001'), 'the attacker to receive the pump’s telemetry');
    expect(run.sessions[0]!.received.some((m) => m.topic.startsWith('$SYS/'))).toBe(true);
    expect(rules(a.alerts())).toEqual(['eavesdrop-subscribe', 'sys-probe', 'unknown-client']);
  });

  it('hardened: an outsider is refused at CONNECT; a stolen device identity gets SUBACK 0x80 and is still seen', async () => {
    const outsider = await arena('hardened');
    await launch(outsider, 'attack.recon-wildcard');
    expect(outsider.adversary.actions).toEqual([
      { t: 60_000, clientId: 'mqtt-explorer-5f3a1c', port: expect.any(Number), action: 'connect', outcome: 'refused', returnCode: 5 },
    ]);

    const insider = await arena('hardened', 'pump-002');
    const run = await launch(insider, 'attack.recon-wildcard');
    expect(insider.adversary.actions.filter((x) => x.action === 'subscribe').map((x) => x.action === 'subscribe' && x.outcome)).toEqual([
      'denied',
      'denied',
    ]);
    const saw = messagesUntil(insider.twin, topicOf('pump-001', 'telemetry'));
    await insider.pump.publishAsync(topicOf('pump-001', 'telemetry'), telemetry(1), { qos: 1 });
    await saw;
    expect(run.exposed()).toEqual([]);
    expect(rules(insider.alerts())).toEqual(['eavesdrop-subscribe', 'sys-probe']);
  });
});

describe.each([
  ['attack.forged-pause', 'pause', ['unauthorized-command', 'unknown-client']],
  ['attack.forged-reprogram', 'program', ['dose-limit-override', 'unauthorized-command', 'unknown-client']],
  ['attack.forged-bolus', 'bolus', ['dose-limit-override', 'unauthorized-command', 'unknown-client']],
] as const)('%s', (name, command, expected) => {
  it('open: the pump receives the forged command, and the IDS raises a critical alert', async () => {
    const a = await arena('open');
    expect(await commandsAtPump(a, launch(a, name))).toEqual([command, 'resume']);
    const alerts = a.alerts();
    expect(rules(alerts)).toEqual([...expected]);
    expect(alerts.find((x) => x.rule === 'unauthorized-command')?.severity).toBe('critical');
  });

  it('hardened: nothing reaches the pump — from an outsider or a stolen device identity — and the attempt is still seen', async () => {
    const outsider = await arena('hardened');
    expect(await commandsAtPump(outsider, launch(outsider, name))).toEqual(['resume']);
    const insider = await arena('hardened', 'pump-002');
    expect(await commandsAtPump(insider, launch(insider, name))).toEqual(['resume']);
    const alerts = insider.alerts();
    expect(alerts.find((x) => x.rule === 'unauthorized-command')?.severity).toBe('high');
    expect(rules(alerts)).toEqual(expected.filter((r) => r !== 'unknown-client'));
  });
});

describe('attack.spoofed-seq', () => {
  it('open: the twin receives the spoof, and the seq jump and foreign publisher are seen', async () => {
    const a = await arena('open');
    await a.pump.publishAsync(topicOf('pump-001', 'telemetry'), telemetry(1), { qos: 1 });
    const saw = messagesUntil(a.twin, topicOf('pump-001', 'telemetry'));
    await saw;
    const spoof = messagesUntil(a.twin, topicOf('pump-001', 'telemetry'));
    await launch(a, 'attack.spoofed-seq');
    expect(JSON.parse((await spoof).at(-1)!.payload).seq).toBe(9_007_199_254_740_000);
    expect(rules(a.alerts())).toEqual(['telemetry-seq-anomaly', 'unexpected-topic', 'unknown-client']);
  });

  it('hardened: a stolen device identity’s spoof is dropped before the twin, and seen', async () => {
    const a = await arena('hardened', 'pump-002');
    await launch(a, 'attack.spoofed-seq');
    const saw = messagesUntil(a.twin, topicOf('pump-001', 'telemetry'));
    await a.pump.publishAsync(topicOf('pump-001', 'telemetry'), telemetry(1), { qos: 1 });
    expect((await saw).map((m) => JSON.parse(m.payload).seq)).toEqual([1]);
    expect(a.alerts()).toEqual([{ rule: 'unexpected-topic', severity: 'medium' }]);
  });
});

describe('attack.retained-pause', () => {
  /** The commands a freshly reconnected pump receives, up to the first one (the retained pause, or the twin's marker). */
  async function reconnectedPumpGets(a: Arena): Promise<string[]> {
    await a.pump.endAsync();
    const pump = await connect(a.sb.broker.url, a.login('medtwin-pump-001'), opened);
    const saw = messagesUntil(pump, topicOf('pump-001', 'cmd'));
    await pump.subscribeAsync(topicOf('pump-001', 'cmd'), { qos: 1 });
    await a.twin.publishAsync(topicOf('pump-001', 'cmd'), resume(), { qos: 1 });
    return (await saw).map((m) => bodyType(m.payload));
  }

  it('open: the pump gets the pause again when it reconnects, and the retained command is seen', async () => {
    const a = await arena('open');
    await launch(a, 'attack.retained-pause');
    expect(await reconnectedPumpGets(a)).toEqual(['pause']);
    expect(rules(a.alerts())).toEqual(['retained-command', 'unauthorized-command', 'unknown-client']);
  });

  it('hardened: a stolen device identity’s retained pause never reaches the pump', async () => {
    const a = await arena('hardened', 'pump-002');
    await launch(a, 'attack.retained-pause');
    expect(await reconnectedPumpGets(a)).toEqual(['resume']);
    expect(rules(a.alerts())).toEqual(['retained-command', 'unauthorized-command']);
  });
});

describe('attack.client-id-takeover', () => {
  it('open: the pump is kicked off and the attacker receives its commands', async () => {
    const a = await arena('open');
    const closed = new Promise<void>((resolve) => a.pump.once('close', () => resolve()));
    const run = await launch(a, 'attack.client-id-takeover');
    await closed;
    await a.twin.publishAsync(topicOf('pump-001', 'cmd'), resume(), { qos: 1 });
    await until(() => run.sessions[0]!.received.length > 0, 'the attacker to receive the pump’s command');
    expect(run.exposed()).toEqual(['pump-001']);
    expect(a.alerts()).toEqual([{ rule: 'client-id-takeover', severity: 'high' }]);
    // Ground truth by connection: the pump's own session under the same client id stays benign.
    const attack = ATTACKS['attack.client-id-takeover'];
    const truth = { attack: attack.name, techniques: attack.techniques, actions: a.adversary.actions };
    const labelled = datasetRecords(a.observed, [truth]).filter((r) => r.clientId === 'medtwin-pump-001');
    expect(labelled.map((r) => [r.event, r.takeover, r.label])).toEqual([
      ['connect', false, 'benign'],
      ['subscribe', null, 'benign'],
      // One instant, in the order the broker did it: the old session closed for the takeover, then the new one.
      ['disconnect', null, 'benign'],
      ['connect', true, 'attack.client-id-takeover'],
      ['subscribe', null, 'attack.client-id-takeover'],
    ]);
  });

  it('hardened: refused without the pump’s password, and the pump keeps its session', async () => {
    const a = await arena('hardened');
    const run = await launch(a, 'attack.client-id-takeover');
    expect(run.sessions).toEqual([]);
    expect(await commandsAtPump(a, Promise.resolve())).toEqual(['resume']);
    expect(a.pump.connected).toBe(true);
  });
});

describe('attack.twin-kick', () => {
  it('open: the twin is knocked off', async () => {
    const a = await arena('open');
    const closed = new Promise<void>((resolve) => a.twin.once('close', () => resolve()));
    await launch(a, 'attack.twin-kick', { kicks: 3 });
    await closed;
    expect(rules(a.alerts())).toEqual(['client-id-takeover']);
  });

  it('hardened: every kick is refused, the twin stays, and the burst of refusals is seen as guessing', async () => {
    const a = await arena('hardened');
    await launch(a, 'attack.twin-kick', { kicks: 5 });
    expect(a.adversary.actions.map((x) => x.action === 'connect' && x.outcome)).toEqual(Array(5).fill('refused'));
    expect(a.twin.connected).toBe(true);
    expect(rules(a.alerts())).toEqual(['auth-brute-force', 'refused-access']);
  });
});

describe('attack.credential-brute-force', () => {
  it('open: there is no password to guess — the first try is in — but the default password it presented is seen', async () => {
    const a = await arena('open');
    const run = await launch(a, 'attack.credential-brute-force');
    expect(run.sessions).toHaveLength(1);
    // The console's client id is known, so nothing else tells it from the console (docs/attacks.md).
    expect(a.alerts()).toEqual([{ rule: 'default-credentials', severity: 'high' }]);
  });

  it('hardened: every guess is refused, the identity locks out, and the lockout is seen', async () => {
    const a = await arena('hardened');
    const run = await launch(a, 'attack.credential-brute-force');
    expect(run.sessions).toEqual([]);
    expect(a.sb.events.some((e) => e.type === 'auth.lockout')).toBe(true);
    expect(rules(a.alerts())).toEqual(['auth-brute-force', 'refused-access']);
  });
});

describe('attack.command-replay', () => {
  const signed = (nonce: string) =>
    encodeEnvelope({
      v: 1,
      device: 'console',
      kind: 'console',
      seq: 1,
      t: 60_000,
      body: { type: 'pause', auth: { issuer: 'medtwin-console-clinician-icu', role: 'clinician', nonce, ts: 60_000, sig: 'c2ln' } },
    });
  const NONCE = '00112233445566778899aabbccddeeff';

  it('open: a captured command reaches the pump twice, and the replayed nonce is seen', async () => {
    const a = await arena('open');
    const nonces: string[] = [];
    a.pump.on('message', (_topic, payload) => nonces.push(JSON.parse(payload.toString()).body.auth?.nonce));
    await launch(a, 'attack.command-replay');
    await a.twin.publishAsync(topicOf('pump-001', 'cmd'), signed(NONCE), { qos: 1 });
    await until(() => nonces.length === 2, 'the pump to receive the command and its replay');
    expect(nonces).toEqual([NONCE, NONCE]);
    expect(rules(a.alerts())).toEqual(['command-replay', 'eavesdrop-subscribe', 'unauthorized-command', 'unknown-client']);
  });

  it('hardened: a stolen device identity cannot listen on the pump’s commands, so nothing is replayed; the attempt is seen', async () => {
    const a = await arena('hardened', 'pump-002');
    expect(await commandsAtPump(a, launch(a, 'attack.command-replay'))).toEqual(['resume']);
    expect(a.adversary.actions.filter((x) => x.action === 'publish')).toEqual([]);
    expect(rules(a.alerts())).toEqual(['eavesdrop-subscribe']);
  });
});

describe('attack.alarm-limits-disabled', () => {
  it('open: the monitor receives both limit removals', async () => {
    const a = await arena('open');
    const monitor = await victim(a, 'monitor-001');
    aimAt(a, 'monitor-001', 'patient-monitor');
    expect(await commandsAt(a, monitor, 'monitor-001', launch(a, 'attack.alarm-limits-disabled'))).toEqual([
      'limits.set',
      'limits.set',
      'resume',
    ]);
    expect(rules(a.alerts())).toEqual(['unauthorized-command', 'unknown-client']);
  });

  it('hardened: nothing reaches the monitor from a stolen pump identity, and it is seen', async () => {
    const a = await arena('hardened', 'pump-002');
    const monitor = await victim(a, 'monitor-001');
    aimAt(a, 'monitor-001', 'patient-monitor');
    expect(await commandsAt(a, monitor, 'monitor-001', launch(a, 'attack.alarm-limits-disabled'))).toEqual(['resume']);
    expect(rules(a.alerts())).toEqual(['unauthorized-command']);
  });
});

describe('attack.spoofed-low-glucose', () => {
  it('open: the twin receives the false low; hardened: a stolen device identity’s spoof is dropped; both are seen', async () => {
    for (const [profile, foothold] of [
      ['open', undefined],
      ['hardened', 'pump-002'],
    ] as const) {
      const a = await arena(profile, foothold);
      aimAt(a, 'cgm-001', 'cgm');
      const seen: string[] = [];
      a.twin.on('message', (topic) => seen.push(topic));
      await launch(a, 'attack.spoofed-low-glucose');
      await a.pump.publishAsync(topicOf('pump-001', 'telemetry'), telemetry(1), { qos: 1 });
      await until(() => seen.includes(topicOf('pump-001', 'telemetry')), 'the pump’s own telemetry at the twin');
      const spoofTopic = 'medtwin/general-hospital/icu/cgm/cgm-001/telemetry';
      expect(seen.includes(spoofTopic)).toBe(profile === 'open');
      expect(rules(a.alerts())).toEqual(profile === 'open' ? ['unexpected-topic', 'unknown-client'] : ['unexpected-topic']);
    }
  });
});

describe('attack.spoofed-normal-spo2', () => {
  it('open: the twin gets a normal reading and a clear of the SpO2 alarm each round; hardened: a stolen device identity’s are dropped; both seen', async () => {
    for (const [profile, foothold] of [
      ['open', undefined],
      ['hardened', 'pump-002'],
    ] as const) {
      const a = await arena(profile, foothold);
      aimAt(a, 'monitor-001', 'patient-monitor');
      const seen: { topic: string; body: Record<string, unknown>; seq: number }[] = [];
      a.twin.on('message', (topic, payload) => {
        const { body, seq } = JSON.parse(payload.toString());
        seen.push({ topic, body, seq });
      });
      const run = await launch(a, 'attack.spoofed-normal-spo2');
      await run.repeat!.act();
      await a.pump.publishAsync(topicOf('pump-001', 'telemetry'), telemetry(1), { qos: 1 });
      await until(() => seen.some((m) => m.topic === topicOf('pump-001', 'telemetry')), 'the pump’s own telemetry at the twin');
      const spoofed = seen.filter((m) => m.topic.includes('/monitor-001/'));
      expect(spoofed.map((m) => [m.topic.split('/').at(-1), m.seq, m.body.spo2 ?? m.body.type])).toEqual(
        profile === 'open'
          ? [
              ['alarm', 100_000, 'alarm.cleared'],
              ['telemetry', 100_000, 97],
              ['alarm', 100_001, 'alarm.cleared'],
              ['telemetry', 100_001, 98],
            ]
          : [],
      );
      expect(rules(a.alerts())).toEqual(profile === 'open' ? ['unexpected-topic', 'unknown-client'] : ['unexpected-topic']);
    }
  });
});

describe('attack.stolen-operator-password', () => {
  it('baseline: the clinician’s password alone doses the patient; hardened: the second factor stops it; the override is seen in both', async () => {
    const base = await arena('baseline', 'medtwin-console-clinician-icu');
    expect(await commandsAtPump(base, launch(base, 'attack.stolen-operator-password'))).toEqual(['bolus', 'resume']);
    expect(rules(base.alerts())).toEqual(['dose-limit-override']);
    const hard = await arena('hardened', 'medtwin-console-clinician-icu');
    expect(await commandsAtPump(hard, launch(hard, 'attack.stolen-operator-password'))).toEqual(['resume']);
    expect(hard.sb.events.some((e) => e.type === 'publish.denied' && e.reason.includes('needs a second factor'))).toBe(true);
    expect(rules(hard.alerts())).toEqual(['dose-limit-override']);
  });
});

describe('attack.publish-flood', () => {
  it('open: 500 messages in one instant are seen as a flood, and the broker keeps serving the pump', async () => {
    const a = await arena('open');
    expect(await commandsAtPump(a, launch(a, 'attack.publish-flood', { messages: 500 }))).toEqual(['resume']);
    expect(rules(a.alerts())).toEqual(['publish-flood', 'unknown-client']);
  });

  it('hardened: refused at CONNECT, not one message sent', async () => {
    const a = await arena('hardened');
    await launch(a, 'attack.publish-flood', { messages: 500 });
    expect(a.adversary.actions.map((x) => x.action)).toEqual(['connect']);
  });
});

describe('attack.connect-flood', () => {
  it('open: 30 unknown sessions are seen as a flood; hardened: all refused, and the burst of refusals is still seen', async () => {
    for (const profile of ['open', 'hardened'] as const) {
      const a = await arena(profile);
      const run = await launch(a, 'attack.connect-flood', { connections: 30 });
      expect(run.sessions).toHaveLength(profile === 'open' ? 30 : 0);
      expect(rules(a.alerts())).toEqual(profile === 'open' ? ['connect-flood', 'unknown-client'] : ['connect-flood', 'refused-access']);
      expect(a.pump.connected).toBe(true);
    }
  });
});

describe('attack.slowite', () => {
  it('open: holds every connection it asks for, idle, with a 65,535 s keep-alive, and is seen; hardened: refused at CONNECT', async () => {
    for (const profile of ['open', 'hardened'] as const) {
      const a = await arena(profile);
      const run = await launch(a, 'attack.slowite', { connections: 12 });
      expect(run.sessions.filter((s) => s.connected)).toHaveLength(profile === 'open' ? 12 : 0);
      const seen = rules(a.alerts());
      expect(seen).toEqual(profile === 'open' ? ['slow-connections', 'unknown-client'] : ['refused-access']);
      if (profile === 'open') {
        // A round later every connection is still held (a PINGREQ each), and nothing new was needed.
        await run.repeat!.act();
        expect(run.sessions.filter((s) => s.connected)).toHaveLength(12);
        expect(a.observed.filter((o) => o.kind === 'connect' && o.keepalive === 65_535)).toHaveLength(12);
      }
      expect(a.pump.connected).toBe(true);
    }
  });
});

describe('attack.ddos-publish-flood', () => {
  it('open: eight bots’ bursts are all counted in by the broker, none a flood alone, together a DDoS; the pump is still served', async () => {
    const a = await arena('open');
    const receipts = new BrokerReceipts();
    receipts.attach(a.sb.broker.aedes);
    const run = await launch(a, 'attack.ddos-publish-flood', { bots: 8, messages: 100 });
    expect(run.sessions).toHaveLength(8);
    // Every QoS 0 message the bots wrote, handled by the broker: counted, not waited for by time.
    await Promise.all(run.sessions.map((s) => receipts.waitFor(s.port!, s.sent)));
    expect(run.sessions.map((s) => receipts.received(s.port!))).toEqual(Array(8).fill(100));
    expect(rules(a.alerts())).toEqual(['distributed-flood', 'unknown-client']);
    expect(await commandsAtPump(a, Promise.resolve())).toEqual(['resume']);
  });

  it('hardened: every bot is refused at CONNECT, not one message sent', async () => {
    const a = await arena('hardened');
    const run = await launch(a, 'attack.ddos-publish-flood', { bots: 8, messages: 100 });
    expect(run.sessions).toEqual([]);
    expect(a.adversary.actions.map((x) => `${x.action} ${x.action === 'connect' ? x.outcome : ''}`)).toEqual(
      Array(8).fill('connect refused'),
    );
  });
});

describe('attack.malformed-packets', () => {
  it('open: every packet gets its connection dropped by the broker’s guards, each is seen, and the broker keeps serving', async () => {
    const a = await arena('open');
    await launch(a, 'attack.malformed-packets');
    expect(a.adversary.actions.map((x) => (x.action === 'raw' ? `${x.what} ${x.outcome}` : x.action))).toEqual([
      'null-in-client-id closed',
      'bad-protocol-name closed',
      'oversized closed',
    ]);
    expect(a.sb.broker.stats.oversizePackets).toBe(1);
    const seen = a.observed.length;
    expect(rules(a.alerts())).toEqual(['malformed-packet']);
    // One observation per packet, each labelled the attacker's by its connection's port.
    const errors = a.observed.slice(seen).filter((o) => o.kind === 'protocol.error');
    expect(errors.map((o) => o.kind === 'protocol.error' && o.reason)).toEqual(['malformed', 'malformed', 'oversized']);
    const truth = [{ attack: 'attack.malformed-packets', techniques: ['T0814'] as const, actions: a.adversary.actions }];
    expect(datasetRecords(errors, truth as never).map((r) => r.label)).toEqual(Array(3).fill('attack.malformed-packets'));
    expect(await commandsAtPump(a, Promise.resolve())).toEqual(['resume']);
    expect(a.pump.connected).toBe(true);
  });
});

describe('attack.lateral-movement', () => {
  /** The ward-a pump as the attacker's foothold: its own connection and identity, publishing what malware would. */
  async function foothold(a: Arena) {
    const client = await connect(a.sb.broker.url, a.login('medtwin-pump-003'), opened);
    return {
      deviceId: 'pump-003',
      zone: 'ward-a',
      kind: 'infusion-pump',
      clientId: 'medtwin-pump-003',
      publish: async (topic: string, payload: string) => {
        await client.publishAsync(topic, payload, { qos: 1 });
      },
    };
  }
  const lateral = async (a: Arena) => {
    const attack = ATTACKS['attack.lateral-movement'];
    const compromised = await foothold(a);
    return attack.execute({ adversary: a.adversary, target: a.target, twinClientId: 'medtwin-twin', compromised }, attack.params.parse({}));
  };

  it('open: the ICU pump acts on the ward device’s pause, and the device’s command is seen', async () => {
    const a = await arena('open');
    expect(await commandsAtPump(a, lateral(a))).toEqual(['pause', 'resume']);
    expect(a.adversary.actions.map((x) => `${x.action} ${x.clientId}`)).toEqual(['publish medtwin-pump-003']);
    expect(rules(a.alerts())).toEqual(['unauthorized-command']);
  });

  it('hardened: the ACL drops a device’s command to another zone’s device, and it is still seen', async () => {
    const a = await arena('hardened');
    expect(await commandsAtPump(a, lateral(a))).toEqual(['resume']);
    expect(a.alerts()).toContainEqual({ rule: 'unauthorized-command', severity: 'high' });
  });
});
