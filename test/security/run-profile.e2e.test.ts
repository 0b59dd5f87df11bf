import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedEvent, SimEvent } from '../../src/core/event-log.ts';
import { loadPlans } from '../../src/cli/load.ts';
import { encodeEnvelope, ENVELOPE_VERSION } from '../../src/net/envelope.ts';
import type { LinkEndpoint } from '../../src/net/device-link.ts';
import type { ProfileName } from '../../src/net/security/controls.ts';
import { resolveSecurity, withProfile } from '../../src/net/security/profile-schema.ts';
import { verifyAuditLog } from '../../src/net/security/audit-log.ts';
import { RunCertificateAuthority } from '../../src/net/security/tls-ca.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { Run } from '../../src/runtime/run.ts';
import { smallWard } from '../helpers/plans.ts';
import { closeAll, connackCode, connect } from '../helpers/secure-broker.ts';
import { until } from '../helpers/until.ts';

/*
 * A run's security profile on its real traffic: each run starts its own embedded broker with the
 * profile's hooks and listener, and every device, the twin and the consoles log in as themselves.
 */

const plan = (profile: ProfileName) => smallWard({ durationMs: 3 * 60_000, security: resolveSecurity({ profile }) });
const site = 'test-hospital';
const cmdTopic = (device: string) => `medtwin/${site}/icu/infusion-pump/${device}/cmd`;

const opened: MqttClient[] = [];
const runs: Run[] = [];
afterEach(async () => {
  await closeAll(opened);
  await Promise.all(runs.splice(0).map((r) => r.close()));
});

async function openRun(profile: ProfileName): Promise<{ run: Run; events: LoggedEvent[] }> {
  const run = new Run(plan(profile), DEFAULT_DEPENDENCIES);
  runs.push(run);
  const events: LoggedEvent[] = [];
  run.on('events', (batch) => events.push(...batch));
  await run.open();
  return { run, events };
}

/** mqtt.js options for an endpoint the run's security made (its credentials and TLS material). */
function optionsOf(endpoint: LinkEndpoint): IClientOptions {
  return {
    clientId: endpoint.identity.clientId,
    ...(endpoint.identity.username ? { username: endpoint.identity.username, password: endpoint.identity.password } : {}),
    ...(endpoint.tls ? { ...endpoint.tls, rejectUnauthorized: true } : {}),
  };
}

/** Runs to `t` and waits there (paused); returns the rest of the run (wrapped: an async function would await it). */
async function runUntil(run: Run, t: number): Promise<{ finished: Promise<void> }> {
  run.pause();
  const finished = run.runToEnd();
  run.step(t);
  await until(() => run.phase === 'paused' && run.clock.now() >= t, `the run to pause at ${t} ms`, 30_000);
  return { finished };
}

describe('a run under its security profile', () => {
  it('baseline: the fleet logs in over TLS; a client without credentials, or with a wrong password, is refused and logged', async () => {
    const { run, events } = await openRun('baseline');
    const url = run.brokerUrl!;
    expect(url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const ca = run.security!.caCertificate!;
    expect(await connackCode(url, { clientId: 'stranger', ca, rejectUnauthorized: true }, opened)).toBe(5);
    const pump = optionsOf(run.security!.endpointFor({ role: 'device' }, { url, identity: { clientId: 'medtwin-infusion-pump-002' } }));
    expect(await connackCode(url, { ...pump, password: 'guessed' }, opened)).toBe(5);
    await run.runToEnd();
    const result = run.result();
    expect(result.ok).toBe(true);
    // 8 devices, the twin and one clinician console per zone logged in; the two strangers did not.
    expect(result.security).toMatchObject({ profile: 'baseline', broker: { accepted: 11, refused: 2, reconnects: 0 } });
    expect(result.security!.controls).toEqual(['authentication', 'lockout', 'acl', 'tls', 'pseudonyms', 'consent', 'auditLog']);
    const refused = events.filter((e) => e.type === 'security.auth.refused').map((e) => [e.data.clientId, e.data.reason]);
    expect(refused.sort()).toEqual([
      ['medtwin-infusion-pump-002', 'bad-password'],
      ['stranger', 'anonymous'],
    ]);
    expect(result.security!.audit!.records).toBe(events.filter((e) => e.source === 'security').length);
  });

  it("a device's identity cannot subscribe to another device's command topic, nor to #", async () => {
    const { run, events } = await openRun('baseline');
    const url = run.brokerUrl!;
    const endpoint = run.security!.endpointFor({ role: 'device' }, { url, identity: { clientId: 'medtwin-infusion-pump-001' } });
    // The pump's own credentials (its client id takes the run's session over for the moment of the test).
    const pump = await connect(url, { ...optionsOf(endpoint), reconnectPeriod: 0 }, opened);
    const granted = await pump.subscribeAsync([cmdTopic('infusion-pump-002'), '#', cmdTopic('infusion-pump-001')], { qos: 1 }).then(
      (g) => g.map((x) => x.qos),
      // mqtt.js rejects a SUBACK with a failure code, and carries the packet.
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
    );
    expect(granted).toEqual([128, 128, 1]);
    await until(() => run.security!.broker!.stats.subscribesDenied === 2, 'the denials');
    await run.runToEnd();
    run.result();
    const denied = events.filter((e) => e.type === 'security.subscribe.denied').map((e) => [e.data.filter, e.data.reason]);
    expect(denied).toEqual([
      ['#', 'a device may not subscribe with wildcards'],
      [cmdTopic('infusion-pump-002'), `a device subscribes only to its own command topic ${cmdTopic('infusion-pump-001')}`],
    ]);
  });

  /**
   * At one simulated minute an attacker publishes an unsigned "pause" to an infusing pump: under
   * hardened with a biomed's stolen password and certificate (the broker lets a biomed command the
   * zone's devices), under open anonymously.
   */
  async function forgedPause(profile: ProfileName): Promise<{ answer: SimEvent; finalState: string; run: Run }> {
    const { run } = await openRun(profile);
    const { finished } = await runUntil(run, 60_000);
    const pump = run.agentById.get('infusion-pump-001')!;
    expect(pump.stateLabel).toBe('infusing');
    const url = run.brokerUrl!;
    const stolen = run.security!.endpointFor({ role: 'console' }, { url, identity: { clientId: 'medtwin-console-biomed-icu' } });
    const attacker = await connect(url, optionsOf(stolen), opened);
    const answer = new Promise<SimEvent>((resolve) => {
      const off = run.log.onRecord((e) => {
        if (e.source === 'infusion-pump-001' && (e.type === 'command.received' || e.type === 'command.rejected')) {
          off();
          resolve(e);
        }
      });
    });
    const forged = encodeEnvelope({ v: ENVELOPE_VERSION, device: 'twin', kind: 'twin', seq: 1, t: 60_000, body: { type: 'pause' } });
    await attacker.publishAsync(cmdTopic('infusion-pump-001'), forged, { qos: 1 });
    const seen = await answer;
    run.resume();
    await finished;
    return { answer: seen, finalState: pump.stateLabel, run };
  }

  it('hardened: a forged unsigned command passes the broker with stolen credentials and the pump refuses it; open: the pump obeys', async () => {
    const hardened = await forgedPause('hardened');
    expect(hardened.answer).toMatchObject({ type: 'command.rejected', data: { code: 'auth.unsigned', command: 'pause' } });
    expect(hardened.finalState).toBe('infusing');
    const result = hardened.run.result();
    expect(result.security).toMatchObject({
      commands: { refusedByDevices: 1 },
      commandChecks: { verify: 8, 'signature-only': 0, none: 0 },
    });
    // The refusal is in the audit log, which is hash-chained.
    const audit = hardened.run.security!.audit!;
    const records = audit
      .toText()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // In the event log's canonical order: the pump's refusal and the broker's record of the command share an instant.
    expect(records.filter((r) => r.action === 'command' || r.action === 'command.refused')).toMatchObject([
      { action: 'command.refused', actor: 'infusion-pump-001', reason: 'auth.unsigned', target: 'pause', t: 60_000 },
      { action: 'command', actor: 'medtwin-console-biomed-icu', reason: 'pause', t: 60_000 },
    ]);
    expect(verifyAuditLog(audit.toText(), result.security!.audit!.head)).toMatchObject({ ok: true });

    const open = await forgedPause('open');
    expect(open.answer).toMatchObject({ type: 'command.received', data: { command: { type: 'pause' } } });
    expect(open.finalState).not.toBe('infusing');
  });

  it('same seed and profile give the same digest; open gives the digest of a run that names no profile', async () => {
    const base = smallWard({ durationMs: 2 * 60_000 });
    const [none, open, a, b] = [
      await executeScenario(base),
      await executeScenario({ ...base, security: resolveSecurity({ profile: 'open' }) }),
      await executeScenario({ ...base, security: resolveSecurity({ profile: 'hardened' }) }),
      await executeScenario({ ...base, security: resolveSecurity({ profile: 'hardened' }) }),
    ];
    expect(open.digest).toBe(none.digest);
    expect(b.digest).toBe(a.digest);
    expect(a.digest).not.toBe(none.digest);
    expect(a.security!.audit!.head).toBe(b.security!.audit!.head);
    expect([none.ok, open.ok, a.ok, b.ok]).toEqual([true, true, true, true]);
  });

  it("a scenario's commands go through the zone's clinician console, signed and with a TOTP code, and keep their verdicts", async () => {
    const [scenario] = await loadPlans(['scenarios/insulin-safety.yaml']);
    const open = await executeScenario(scenario!);
    const hardened = await executeScenario({ ...scenario!, security: withProfile(scenario!.security, 'hardened') });
    const verdicts = (r: typeof open) => r.expectations.map((e) => [e.name, e.passed]);
    expect(verdicts(hardened)).toEqual(verdicts(open));
    expect(hardened.ok).toBe(open.ok);
    // Seven commands: two pumps paused, programmed (a dose change: the clinician's TOTP) and started, one stopped.
    expect(hardened.security!.commands).toEqual({ viaConsole: 7, refusedByDevices: 0, deniedAtBroker: 0 });
    // The same alarms at the same times (event ids differ: the security events are in the log too).
    const alarms = (r: typeof open) => r.alarms.first.map((a) => [a.device, a.code, a.t]);
    expect(alarms(hardened)).toEqual(alarms(open));
    expect(hardened.alarms.byPriority).toEqual(open.alarms.byPriority);
  }, 60_000);

  it('a dose change no console may send goes out from the twin, the broker drops it under operatorMfa, and the ledger books it lost', async () => {
    const [scenario] = await loadPlans(['scenarios/insulin-safety.yaml']);
    // Only a biomed console on the ward: it may pause and start, but not program a dose.
    const security = resolveSecurity({ profile: 'hardened', consoles: [{ role: 'biomed', zone: 'icu' }] });
    const result = await executeScenario({ ...scenario!, security });
    expect(result.security!.commands).toEqual({ viaConsole: 5, refusedByDevices: 0, deniedAtBroker: 2 });
    expect(result.security!.broker!.publishesDenied).toBe(2);
    // Nothing waited for the dropped commands, and the missed program shows in the verdicts.
    expect(result.delivery.settleTimeouts).toBe(0);
    expect(result.ok).toBe(false);
  }, 60_000);

  it("baseline with the scenario's own broker certificate: the run serves it, and its clients verify it with the scenario's CA", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-own-tls-'));
    const ca = await RunCertificateAuthority.create({ name: 'hospital CA' });
    const server = await ca.issueServer();
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'broker.pem'), server.cert);
    writeFileSync(join(dir, 'broker-key.pem'), server.key);
    const security = resolveSecurity({ profile: 'baseline', tls: { ca: 'ca.pem', cert: 'broker.pem', key: 'broker-key.pem' } });
    const run = new Run(smallWard({ durationMs: 60_000, source: join(dir, 's.yaml'), security }), DEFAULT_DEPENDENCIES);
    runs.push(run);
    await run.open();
    expect(run.brokerUrl).toMatch(/^mqtts:/);
    expect(run.security!.caCertificate).toBe(ca.certPem);
    await run.runToEnd();
    expect(run.result()).toMatchObject({ ok: true, security: { broker: { accepted: 11, refused: 0 } } });
  });

  it('the research export releases only consenting patients, under pseudonyms, and counts what it withheld', async () => {
    const security = resolveSecurity({ profile: 'baseline', consent: { 'P-001': ['research'] } });
    const run = new Run(smallWard({ durationMs: 60_000, security }), DEFAULT_DEPENDENCIES);
    runs.push(run);
    await run.runToEnd();
    const result = run.result();
    const telemetry = result.devices.reduce((n, d) => n + (d.published > 0 ? 1 : 0), 0);
    expect(telemetry).toBeGreaterThan(0);
    const exported = result.security!.researchExport!;
    expect(exported.patients).toBe(1);
    expect(exported.released).toBeGreaterThan(0);
    expect(exported.withheld).toBeGreaterThan(exported.released);
    expect([...run.security!.researchExport!.releasedBy.keys()]).toEqual([expect.stringMatching(/^PSN-[0-9a-f]{16}$/)]);
  });
});
