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
type Profile = 'open' | 'hardened';

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

async function arena(profile: Profile, foothold?: 'pump-002'): Promise<Arena> {
  // Plain sockets under hardened too: TLS has its own tests (test/security/broker-tls.test.ts).
  const sb = await startSecureBroker(profile, profile === 'hardened' ? { tls: false, mutualTls: false } : {});
  brokers.push(sb);
  const tap = new BrokerTap({ now: () => sb.clock.t, security: sb.security });
  tap.attach(sb.broker.aedes);
  const login = (username: string) => (profile === 'open' ? { clientId: username } : loginAs(sb.identities.get(username)!));
  const pump = await connect(sb.broker.url, login('medtwin-pump-001'), opened);
  await pump.subscribeAsync(topicOf('pump-001', 'cmd'), { qos: 1 });
  const twin = await connect(sb.broker.url, login('medtwin-twin'), opened);
  await twin.subscribeAsync('medtwin/general-hospital/#', { qos: 1 });
  sb.clock.t = 60_000;
  const stolen = foothold === undefined ? undefined : sb.identities.device(foothold)!;
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
      for (const e of sb.events.splice(0)) tap.securityEvent(e);
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
async function commandsAtPump(a: Arena, before: Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const done = new Promise<void>((resolve) => {
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic !== topicOf('pump-001', 'cmd')) return;
      seen.push(bodyType(payload.toString()));
      if (seen.at(-1) === 'resume') {
        a.pump.off('message', onMessage);
        resolve();
      }
    };
    a.pump.on('message', onMessage);
  });
  await before;
  await a.twin.publishAsync(topicOf('pump-001', 'cmd'), resume(), { qos: 1 });
  await done;
  return seen;
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
      // One instant, in canonical order (kind before port): the takeover, the old session's end, the attacker's subscription.
      ['connect', true, 'attack.client-id-takeover'],
      ['disconnect', null, 'benign'],
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
    expect(rules(a.alerts())).toEqual(['auth-brute-force']);
  });
});

describe('attack.credential-brute-force', () => {
  it('open: there is no password to guess — the first try is in, and nothing on the broker tells it from the console', async () => {
    const a = await arena('open');
    const run = await launch(a, 'attack.credential-brute-force');
    expect(run.sessions).toHaveLength(1);
    expect(a.alerts()).toEqual([]);
  });

  it('hardened: every guess is refused, the identity locks out, and the lockout is seen', async () => {
    const a = await arena('hardened');
    const run = await launch(a, 'attack.credential-brute-force');
    expect(run.sessions).toEqual([]);
    expect(a.sb.events.some((e) => e.type === 'auth.lockout')).toBe(true);
    expect(rules(a.alerts())).toEqual(['auth-brute-force']);
  });
});
