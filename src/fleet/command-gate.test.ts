import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { makeAgent } from '../../test/helpers/inject-fixtures.ts';
import { CommandTrust } from '../net/security/command-trust.ts';
import { IdentitySet } from '../net/security/identities.ts';
import { resolveSecurity } from '../net/security/profile-schema.ts';
import { firmwareCommandGate } from './command-gate.ts';

const MINUTE = 60_000;
const config = resolveSecurity({ profile: 'hardened' });
const fleet = { site: 'test-site', zones: ['icu'], devices: [{ id: 'pump-001', kind: 'infusion-pump', zone: 'icu' }] };
const identities = IdentitySet.derive(3, fleet, config);
const trust = new CommandTrust(3, identities, config.roles);

/** A real infusion pump, infusing, whose firmware (`version`) guards its commands as the catalogue says. */
function pump(version?: string) {
  const { mode, gate } = firmwareCommandGate({
    deviceId: 'pump-001',
    kind: 'infusion-pump',
    firmware: version,
    issuers: trust.issuers,
    permits: (role, type) => trust.permits('infusion-pump', role, type),
    freshnessMs: 30_000,
  });
  const rig = makeAgent({
    id: 'pump-001',
    descriptor: DEVICES['infusion-pump'],
    profile: { drug: 'normal-saline', rate: 100, vtbi: 1000 },
    ...(version ? { firmware: version } : {}),
    ...(gate ? { commandGate: gate } : {}),
  });
  rig.clock.advance(MINUTE);
  expect(rig.agent.stateLabel).toBe('infusing');
  const refusals = () => rig.log.ofType('command.rejected').map((e) => e.data.code);
  return { ...rig, mode, refusals };
}

const clinician = trust.signer('medtwin-console-clinician-icu');

describe('firmware command gate on a real pump', () => {
  it('patched firmware refuses unsigned, replayed and stale commands before the machine sees them', () => {
    const { agent, clock, mode, refusals } = pump();
    expect(mode).toBe('verify');
    agent.command({ type: 'pause' });
    expect(agent.stateLabel).toBe('infusing');
    const signed = clinician.sign('pump-001', { type: 'pause' }, clock.now());
    agent.command(signed);
    expect(agent.stateLabel).toBe('paused');
    agent.command({ type: 'resume', auth: signed.auth });
    agent.command(signed);
    agent.command(clinician.sign('pump-001', { type: 'resume' }, clock.now() - 31_000));
    expect(agent.stateLabel).toBe('paused');
    expect(refusals()).toEqual(['auth.unsigned', 'auth.bad-signature', 'auth.replayed', 'auth.expired']);
  });

  it("judges freshness by the device's own clock: a skewed pump refuses a fresh command", () => {
    const { agent, clock, refusals } = pump();
    const revert = agent.skewClock(-5 * MINUTE);
    agent.command(clinician.sign('pump-001', { type: 'pause' }, clock.now()));
    expect(refusals()).toEqual(['auth.from-the-future']);
    revert();
    agent.command(clinician.sign('pump-001', { type: 'pause' }, clock.now()));
    expect(agent.stateLabel).toBe('paused');
  });

  it('firmware with unauthenticated-commands (MEDTWIN-SA-2025-01) acts on an unsigned command', () => {
    const { agent, mode, refusals } = pump('1.4.0');
    expect(mode).toBe('none');
    agent.command({ type: 'pause' });
    expect(agent.stateLabel).toBe('paused');
    expect(refusals()).toEqual([]);
  });

  it('firmware with replayable-commands (MEDTWIN-SA-2025-02) checks signatures but takes a replay, however old', () => {
    const { agent, clock, mode, refusals } = pump('2.5.0');
    expect(mode).toBe('signature-only');
    agent.command({ type: 'pause' });
    const old = clinician.sign('pump-001', { type: 'pause' }, 0);
    clock.advance(10 * MINUTE);
    agent.command(old);
    expect(agent.stateLabel).toBe('paused');
    agent.command(clinician.sign('pump-001', { type: 'resume' }, clock.now()));
    agent.command(old);
    expect(agent.stateLabel).toBe('paused');
    expect(refusals()).toEqual(['auth.unsigned']);
  });
});
