import { readFileSync } from 'node:fs';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { loadPlans } from '../../src/cli/load.ts';
import type { LinkEndpoint } from '../../src/net/device-link.ts';
import type { ProfileName } from '../../src/net/security/controls.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { Run } from '../../src/runtime/run.ts';
import type { Plan } from '../../src/scenario/plan.ts';
import { parseTimeline } from '../helpers/network-plans.ts';
import { smallWard } from '../helpers/plans.ts';
import { childrenOf } from '../helpers/processes.ts';
import { closeAll, connackCode, connect } from '../helpers/secure-broker.ts';
import { until } from '../helpers/until.ts';

/*
 * A run's security controls on the embedded broker in a child process (the placement of large
 * fleets): the child gets the controls over IPC — credential hashes, never passwords — decides every
 * packet itself, and has its parent record each decision at the run's time. On real sockets: what it
 * refuses, and that a run gives the same digest on either broker.
 */

const opened: MqttClient[] = [];
const runs: Run[] = [];
afterEach(async () => {
  await closeAll(opened);
  await Promise.all(runs.splice(0).map((r) => r.close()));
});

function optionsOf(endpoint: LinkEndpoint): IClientOptions {
  return {
    clientId: endpoint.identity.clientId,
    ...(endpoint.identity.username ? { username: endpoint.identity.username, password: endpoint.identity.password } : {}),
    ...(endpoint.tls ? { ...endpoint.tls, rejectUnauthorized: true } : {}),
  };
}

/** The command line of this process's broker child (what `ps` shows any user). */
function childCommandLine(): string {
  for (const pid of childrenOf(process.pid)) {
    const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    if (line.includes('broker-child')) return line;
  }
  throw new Error('no broker child process');
}

describe('security on the child-process broker', () => {
  it('baseline: refuses strangers and wrong passwords, keeps a zone console out of #, over TLS only; the parent logs each decision', async () => {
    const run = new Run(smallWard({ durationMs: 2 * 60_000, security: resolveSecurity({ profile: 'baseline' }) }), DEFAULT_DEPENDENCIES, {
      brokerPlacement: 'child-process',
    });
    runs.push(run);
    const events: LoggedEvent[] = [];
    run.on('events', (batch) => events.push(...batch));
    await run.open();
    expect(run.broker!.placement).toBe('child-process');
    expect(run.broker!.aedes).toBeUndefined();
    const url = run.brokerUrl!;
    expect(url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    // No secret on the child's command line: the controls came over IPC.
    const commandLine = childCommandLine();
    expect(commandLine).toContain('--secured');
    for (const identity of run.security!.identities.all()) expect(commandLine).not.toContain(identity.password.reveal());

    const ca = run.security!.caCertificate!;
    expect(await connackCode(url, { clientId: 'stranger', ca, rejectUnauthorized: true }, opened)).toBe(5);
    const pumpEndpoint = run.security!.endpointFor({ role: 'device' }, { url, identity: { clientId: 'medtwin-infusion-pump-002' } });
    expect(await connackCode(url, { ...optionsOf(pumpEndpoint), password: 'guessed' }, opened)).toBe(5);
    // A plaintext client never reaches MQTT: the listener speaks TLS only.
    await expect(connect(url.replace('mqtts:', 'mqtt:'), { clientId: 'plain', connectTimeout: 2000 }, opened)).rejects.toThrow();
    // A zone's console (one the run does not use itself) reads its zone, not the site.
    const console = await connect(url, optionsOf(run.observerEndpoint('unused', 'icu')), opened);
    const granted = await console.subscribeAsync(['#', 'medtwin/test-hospital/icu/#'], { qos: 1 }).then(
      (g) => g.map((x) => x.qos),
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted,
    );
    expect(granted).toEqual([128, 1]);
    await closeAll(opened);
    await until(() => run.security!.broker!.stats.subscribesDenied === 1, 'the denial');

    await run.runToEnd();
    const result = run.result();
    expect(result.ok).toBe(true);
    expect(result.broker.placement).toBe('child-process');
    // 8 devices, the twin, the clinicians' consoles of both zones and the test's biomed console; the stranger and the guess refused.
    expect(result.security!.broker).toMatchObject({ accepted: 12, refused: 2, subscribesDenied: 1 });
    const refused = events.filter((e) => e.type === 'security.auth.refused').map((e) => [e.data.clientId, e.data.reason, e.t]);
    expect(refused.sort()).toEqual([
      ['medtwin-infusion-pump-002', 'bad-password', 0],
      ['stranger', 'anonymous', 0],
    ]);
    expect(events.filter((e) => e.type === 'security.subscribe.denied').map((e) => e.data.filter)).toEqual(['#']);
  }, 60_000);

  async function digestOn(plan: Plan, brokerPlacement: 'in-process' | 'child-process') {
    const result = await executeScenario(plan, { brokerPlacement, ids: false });
    expect(result.broker.placement).toBe(brokerPlacement);
    return result;
  }

  it.each<ProfileName>(['baseline', 'hardened'])(
    '%s: a run gives the same digest and security report on either broker',
    async (profile) => {
      const plan = smallWard({ durationMs: 2 * 60_000, security: resolveSecurity({ profile }) });
      const [inProcess, child] = [await digestOn(plan, 'in-process'), await digestOn(plan, 'child-process')];
      expect(child.digest).toBe(inProcess.digest);
      expect(child.security).toEqual(inProcess.security);
      expect(child.ok).toBe(true);
    },
    60_000,
  );

  it("hardened: the scenario's signed, second-factor commands and a password-guessing attack's lockout give the same digest on either broker", async () => {
    const [scenario] = await loadPlans(['scenarios/insulin-safety.yaml']);
    const plan: Plan = {
      ...scenario!,
      durationMs: 30 * 60_000,
      // baseline's lockout without mutual TLS, so the guesses reach the login; the clinician's TOTP under operatorMfa.
      security: resolveSecurity({
        profile: 'hardened',
        controls: { mutualTls: false },
        lockout: { attempts: 3, window: 60_000, duration: 600_000 },
      }),
      timeline: [
        ...(scenario!.timeline ?? []),
        ...parseTimeline([
          { at: '2m', fault: 'attack.credential-brute-force', target: { device: 'infusion-pump-001' }, params: { attempts: 5 } },
        ]),
      ],
    };
    const [inProcess, child] = [await digestOn(plan, 'in-process'), await digestOn(plan, 'child-process')];
    expect(inProcess.security!.broker!.lockouts).toBe(1);
    expect(inProcess.security!.commands.viaConsole).toBeGreaterThan(0);
    expect(child.security).toEqual(inProcess.security);
    expect(child.digest).toBe(inProcess.digest);
    expect(child.expectations.map((e) => [e.name, e.passed])).toEqual(inProcess.expectations.map((e) => [e.name, e.passed]));
  }, 120_000);
});
