import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { makeAgent } from '../../test/helpers/inject-fixtures.ts';
import { CommandTrust } from '../net/security/command-trust.ts';
import { signImage, signRollback } from '../net/security/firmware/ota-image.ts';
import { DEVICE_VENDOR, firmwareBuild, offerBody, vendorKey, vendorKeys } from '../net/security/firmware/ota-offer.ts';
import { IdentitySet } from '../net/security/identities.ts';
import { resolveSecurity } from '../net/security/profile-schema.ts';
import { deriveSigningKey } from '../net/security/signing-keys.ts';
import { DEFAULT_INSTALL_MS } from './agent.ts';
import { firmwareCommandGate } from './command-gate.ts';

const SEED = 5;
const MINUTE = 60_000;
const vendor = vendorKey(SEED);
const config = resolveSecurity({ profile: 'hardened' });
const trust = new CommandTrust(
  SEED,
  IdentitySet.derive(SEED, { site: 's', zones: ['icu'], devices: [{ id: 'pump-001', kind: 'infusion-pump', zone: 'icu' }] }, config),
  config.roles,
);

function gateFor(firmware: string, genuine = true) {
  return firmwareCommandGate({
    deviceId: 'pump-001',
    kind: 'infusion-pump',
    firmware,
    genuine,
    issuers: trust.issuers,
    permits: (role, type) => trust.permits('infusion-pump', role, type),
    freshnessMs: 30_000,
  }).gate;
}

/** A real pump, infusing, running `version`, its bootloader enforcing signed updates or not; its command check follows its firmware. */
function pump(version: string, enforce = true) {
  const rig = makeAgent({
    id: 'pump-001',
    descriptor: DEVICES['infusion-pump'],
    profile: { drug: 'normal-saline', rate: 100, vtbi: 1000 },
    firmware: version,
  });
  const { agent, clock, log } = rig;
  agent.commandGate = gateFor(version);
  agent.ota = { enforce, vendors: vendorKeys(SEED) };
  agent.onFirmwareChanged = (running) => {
    agent.commandGate = gateFor(running.version, running.genuine);
  };
  const acks: Record<string, unknown>[] = [];
  const states: Record<string, unknown>[] = [];
  agent.onPublish = (channel, _seq, payload) => {
    const body = (JSON.parse(payload) as { body: Record<string, unknown> }).body;
    if (channel === 'cmd/ack' && body.command === 'firmware.update') acks.push(body);
    if (channel === 'state') states.push(body);
  };
  clock.advance(MINUTE);
  expect(agent.stateLabel).toBe('infusing');
  const types = () => log.events.filter((e) => e.type.startsWith('firmware.')).map((e) => [e.type, e.data.code ?? e.data.to]);
  return { ...rig, acks, states, types };
}

const image = (version: string, key = vendor.privateKey, kind = 'infusion-pump') =>
  signImage(DEVICE_VENDOR, kind, version, firmwareBuild(kind, version), key);

const biomed = trust.signer('medtwin-console-biomed-icu');

/** A firmware offer signed as the zone's biomed sends it (signed commands on). */
function fromBiomed(body: Record<string, unknown> & { type: string }, now: number) {
  return biomed.sign('pump-001', body, now);
}

describe('signed OTA updates on a real infusion pump', () => {
  it('installs a newer signed image: down for the install time, then boots it and says so in its state', () => {
    const { agent, clock, log, acks, states, types } = pump('3.2.1');
    agent.command(fromBiomed(offerBody(image('3.3.0')), clock.now()));
    expect(acks.at(-1)).toMatchObject({ accepted: true, code: 'firmware.installing', command: 'firmware.update' });
    clock.advance(30_000);
    // Down: the motor is off, nothing is published, commands are refused.
    expect(agent.stateLabel).toBe('off');
    expect(log.ofType('telemetry').at(-1)?.data.silenced).toBe(true);
    agent.command(trust.signer('medtwin-console-clinician-icu').sign('pump-001', { type: 'pause' }, clock.now()));
    expect(log.ofType('command.rejected').at(-1)?.data.code).toBe('device.updating');
    clock.advance(DEFAULT_INSTALL_MS + 30_000);
    expect(types()).toEqual([
      ['firmware.installing', '3.3.0'],
      ['firmware.installed', '3.3.0'],
    ]);
    expect(agent.firmware).toEqual({ version: '3.3.0', genuine: true });
    // Rebooted into the new version, the pump runs its program again and reports the version.
    expect(agent.stateLabel).toBe('infusing');
    expect(states.at(-1)).toEqual({ firmware: '3.3.0', state: 'infusing' });
    expect(log.ofType('telemetry').at(-1)?.data.body).toMatchObject({ firmware: '3.3.0' });
  });

  it('refuses unsigned, tampered, foreign-signed and downgraded images with the reason in its ack', () => {
    const { agent, clock, acks, types } = pump('3.2.1');
    const good = image('3.3.0');
    const tampered = { ...good, image: Buffer.concat([good.image.subarray(0, 100), Buffer.alloc(good.image.length - 100, 0x90)]) };
    const rogue = deriveSigningKey(SEED, 'firmware/attacker');
    const offers = [
      { ...good, signature: undefined },
      tampered,
      image('3.3.0', rogue.privateKey),
      image('1.4.0'),
      image('3.3.0', vendor.privateKey, 'cgm'),
    ];
    for (const offer of offers) agent.command(fromBiomed(offerBody(offer), clock.now()));
    expect(acks.map((a) => a.code)).toEqual([
      'firmware.unsigned',
      'firmware.digest-mismatch',
      'firmware.bad-signature',
      'firmware.downgrade',
      'firmware.wrong-kind',
    ]);
    expect(acks.every((a) => a.accepted === false)).toBe(true);
    expect(types().map(([type]) => type)).toEqual(Array(5).fill('firmware.rejected'));
    clock.advance(DEFAULT_INSTALL_MS + 30_000);
    expect(agent.firmware.version).toBe('3.2.1');
    expect(agent.stateLabel).toBe('infusing');
  });

  it('goes back to an older version only with the vendor’s signed rollback policy for exactly that step', () => {
    const { agent, clock, acks } = pump('3.3.0');
    const back = image('3.2.1');
    const wrongStep = signRollback(DEVICE_VENDOR, 'infusion-pump', '3.4.0', '3.2.1', vendor.privateKey);
    agent.command(fromBiomed(offerBody({ ...back, rollback: wrongStep }), clock.now()));
    const forged = signRollback(DEVICE_VENDOR, 'infusion-pump', '3.3.0', '3.2.1', deriveSigningKey(SEED, 'firmware/attacker').privateKey);
    agent.command(fromBiomed(offerBody({ ...back, rollback: forged }), clock.now()));
    agent.command(
      fromBiomed(
        offerBody({ ...back, rollback: signRollback(DEVICE_VENDOR, 'infusion-pump', '3.3.0', '3.2.1', vendor.privateKey) }),
        clock.now(),
      ),
    );
    expect(acks.map((a) => a.code)).toEqual(['firmware.downgrade', 'firmware.downgrade', 'firmware.installing']);
    clock.advance(DEFAULT_INSTALL_MS + 30_000);
    expect(agent.firmware.version).toBe('3.2.1');
  });

  it('firmware with unsigned-firmware installs a tampered image, and then keeps none of its promises', () => {
    const { agent, clock, log } = pump('3.1.0');
    const good = image('3.3.0');
    agent.command(fromBiomed(offerBody({ ...good, image: Buffer.alloc(good.image.length, 0x90) }), clock.now()));
    clock.advance(DEFAULT_INSTALL_MS + 30_000);
    expect(log.ofType('firmware.installing').at(-1)?.data).toMatchObject({ checked: false, genuine: false, to: '3.3.0' });
    expect(agent.firmware).toEqual({ version: '3.3.0', genuine: false });
    // The attacker's build acts on an unsigned pause, as 3.3.0 from the vendor would not.
    agent.command({ type: 'pause' });
    expect(agent.stateLabel).toBe('paused');
  });

  it('a patch really closes the hole: 1.4.0 acts on an unsigned pause, the 3.3.0 it is patched to refuses one', () => {
    const { agent, clock, log } = pump('1.4.0');
    agent.command({ type: 'pause' });
    expect(agent.stateLabel).toBe('paused');
    agent.command({ type: 'resume' });
    agent.command(offerBody(image('3.3.0')));
    clock.advance(DEFAULT_INSTALL_MS + 30_000);
    expect(agent.firmware).toEqual({ version: '3.3.0', genuine: true });
    expect(agent.stateLabel).toBe('infusing');
    agent.command({ type: 'pause' });
    expect(agent.stateLabel).toBe('infusing');
    expect(log.ofType('command.rejected').at(-1)?.data.code).toBe('auth.unsigned');
  });

  it('an install that fails to boot rolls back to the image it ran, or leaves the device down', () => {
    const rolled = pump('3.2.1');
    rolled.agent.failNextInstall();
    rolled.agent.command(fromBiomed(offerBody(image('3.3.0')), rolled.clock.now()));
    rolled.clock.advance(DEFAULT_INSTALL_MS + 10_000);
    expect(rolled.log.ofType('firmware.install-failed').map((e) => e.data)).toEqual([{ from: '3.2.1', rolledBack: true, to: '3.3.0' }]);
    expect(rolled.agent.firmware.version).toBe('3.2.1');
    expect(rolled.agent.stateLabel).toBe('infusing');

    const down = pump('3.2.1');
    down.agent.failNextInstall();
    down.agent.command(fromBiomed(offerBody(image('3.3.0'), 'stay-down'), down.clock.now()));
    down.clock.advance(DEFAULT_INSTALL_MS + 10 * MINUTE);
    expect(down.log.ofType('firmware.install-failed').map((e) => e.data.rolledBack)).toEqual([false]);
    expect(down.agent.stateLabel).toBe('off');
    expect(down.agent.updating).toBe(true);
  });
});
