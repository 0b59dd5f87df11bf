import { describe, expect, it } from 'vitest';
import { canPublish, canReceive, canSubscribe } from './acl.ts';
import { securityAlertTopic } from '../topics.ts';
import { IdentitySet } from './identities.ts';
import { resolveSecurity } from './profile-schema.ts';

const fleet = {
  site: 'h',
  zones: ['icu', 'ward'],
  devices: [
    { id: 'pump-001', kind: 'infusion-pump', zone: 'icu' },
    { id: 'pump-002', kind: 'infusion-pump', zone: 'ward' },
  ],
};
const ids = IdentitySet.derive(1, fleet, resolveSecurity({ profile: 'hardened' }));
const pump = ids.device('pump-001')!;
const allowed = (d: { allowed: boolean }) => d.allowed;

describe('ACL', () => {
  it('a device publishes only its own device→broker channels', () => {
    for (const channel of ['telemetry', 'alarm', 'state', 'status', 'event', 'backfill', 'cmd/ack']) {
      expect(allowed(canPublish(pump, `medtwin/h/icu/infusion-pump/pump-001/${channel}`)), channel).toBe(true);
    }
    expect(canPublish(pump, 'medtwin/h/icu/infusion-pump/pump-001/cmd')).toEqual({
      allowed: false,
      reason: 'a device publishes only its own telemetry, alarm, state, status, event, backfill, cmd/ack channels, not "cmd"',
    });
    expect(allowed(canPublish(pump, 'medtwin/h/ward/infusion-pump/pump-002/telemetry'))).toBe(false);
    // A prefix of its own id is not its own subtree.
    expect(allowed(canPublish(pump, 'medtwin/h/icu/infusion-pump/pump-0012/telemetry'))).toBe(false);
    expect(allowed(canPublish(pump, '$SYS/broker/x'))).toBe(false);
  });

  it('a device receives only its own command topic', () => {
    expect(canReceive(pump, 'medtwin/h/icu/infusion-pump/pump-001/cmd')).toBe(true);
    expect(canReceive(pump, 'medtwin/h/icu/infusion-pump/pump-001/telemetry')).toBe(false);
    expect(canReceive(pump, 'medtwin/h/ward/infusion-pump/pump-002/cmd')).toBe(false);
  });

  it('the twin reads and commands only its own site', () => {
    const twin = ids.twin;
    expect(allowed(canSubscribe(twin, 'medtwin/h/#'))).toBe(true);
    expect(allowed(canSubscribe(twin, 'medtwin/other/#'))).toBe(false);
    expect(allowed(canSubscribe(twin, '#'))).toBe(false);
    expect(allowed(canSubscribe(twin, '$SYS/#'))).toBe(false);
    expect(allowed(canPublish(twin, 'medtwin/h/ward/infusion-pump/pump-002/cmd'))).toBe(true);
    expect(allowed(canPublish(twin, 'medtwin/h/ward/infusion-pump/pump-002/telemetry'))).toBe(false);
    expect(canReceive(twin, 'medtwin/other/icu/cgm/cgm-001/telemetry')).toBe(false);
  });

  it('a zone console: reads with wildcards inside its zone only, and forwarding follows the same rule', () => {
    const icu = ids.console('clinician', 'icu')!;
    expect(allowed(canSubscribe(icu, 'medtwin/h/icu/#'))).toBe(true);
    expect(allowed(canSubscribe(icu, 'medtwin/h/icu/+/+/telemetry'))).toBe(true);
    expect(allowed(canSubscribe(icu, 'medtwin/h/+/#'))).toBe(false);
    expect(allowed(canSubscribe(icu, 'medtwin/h/#'))).toBe(false);
    expect(allowed(canSubscribe(icu, 'medtwin/h/icu'))).toBe(false);
    expect(canReceive(icu, 'medtwin/h/icu/infusion-pump/pump-001/telemetry')).toBe(true);
    expect(canReceive(icu, 'medtwin/h/ward/infusion-pump/pump-002/telemetry')).toBe(false);
    expect(allowed(canPublish(icu, 'medtwin/h/icu/infusion-pump/pump-001/cmd'))).toBe(true);
    expect(allowed(canPublish(icu, 'medtwin/h/icu/infusion-pump/pump-001/firmware'))).toBe(false);
    expect(allowed(canPublish(ids.console('biomed', 'icu')!, 'medtwin/h/icu/infusion-pump/pump-001/firmware'))).toBe(true);
  });

  it('the security console reads $SYS and nothing of patients', () => {
    const security = ids.console('security')!;
    expect(security.zone).toBeUndefined();
    expect(allowed(canSubscribe(security, '$SYS/#'))).toBe(true);
    expect(canSubscribe(security, 'medtwin/h/#')).toEqual({ allowed: false, reason: 'role security may not read device topics' });
    expect(allowed(canSubscribe(security, '$share/g/medtwin/h/#'))).toBe(false);
  });

  it('the IDS alert topic reaches the security console only', () => {
    const topic = securityAlertTopic('h');
    expect(allowed(canSubscribe(ids.console('security')!, topic))).toBe(true);
    expect(canReceive(ids.console('security')!, topic)).toBe(true);
    for (const other of [pump, ids.twin, ids.console('clinician', 'icu')!, ids.console('biomed', 'icu')!]) {
      expect(allowed(canSubscribe(other, topic))).toBe(false);
      expect(canReceive(other, topic)).toBe(false);
    }
    expect(allowed(canPublish(ids.console('security')!, topic))).toBe(false);
  });
});

describe('identities', () => {
  it('come from the seed: the same seed gives the same passwords, another seed others, and adding a device changes no one else', () => {
    const again = IdentitySet.derive(1, fleet, resolveSecurity({ profile: 'hardened' }));
    const other = IdentitySet.derive(2, fleet, resolveSecurity({ profile: 'hardened' }));
    const bigger = IdentitySet.derive(
      1,
      { ...fleet, devices: [...fleet.devices, { id: 'cgm-001', kind: 'cgm', zone: 'icu' }] },
      resolveSecurity({ profile: 'hardened' }),
    );
    expect(again.device('pump-001')!.password.reveal()).toBe(pump.password.reveal());
    expect(other.device('pump-001')!.password.reveal()).not.toBe(pump.password.reveal());
    expect(bigger.device('pump-002')!.password.reveal()).toBe(ids.device('pump-002')!.password.reveal());
    expect(pump.password.reveal()).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(ids.console('clinician', 'icu')!.totpSecret.reveal()).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('give one console per zone for each zone role and one per site-wide role, or the listed ones', () => {
    expect([...ids.all()].filter((i) => i.type === 'console').map((i) => i.username)).toEqual([
      'medtwin-console-clinician-icu',
      'medtwin-console-clinician-ward',
      'medtwin-console-biomed-icu',
      'medtwin-console-biomed-ward',
      'medtwin-console-security',
    ]);
    const listed = IdentitySet.derive(1, fleet, resolveSecurity({ profile: 'hardened', consoles: [{ role: 'clinician', zone: 'ward' }] }));
    expect([...listed.all()].filter((i) => i.type === 'console').map((i) => i.username)).toEqual(['medtwin-console-clinician-ward']);
  });
});
