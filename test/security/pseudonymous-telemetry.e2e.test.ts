import type { PublishPacket } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileName } from '../../src/net/security/controls.ts';
import { findIdentifiers, PSEUDONYM_PATTERN, PseudonymRegistry } from '../../src/net/security/privacy/pseudonyms.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { decodeEnvelope } from '../../src/net/envelope.ts';
import { DEFAULT_DEPENDENCIES } from '../../src/runtime/defaults.ts';
import { Run } from '../../src/runtime/run.ts';
import { smallWard } from '../helpers/plans.ts';

/*
 * What the devices put on the wire, read at the run's own broker: under `pseudonyms` every device
 * message names its patient by pseudonym, and no message carries a name, an MRN or a patient id.
 */

const runs: Run[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.close()));
});

/** Runs two simulated minutes under `profile`, keeping every message the broker routed. */
async function wire(profile: ProfileName): Promise<{ run: Run; messages: { topic: string; payload: string }[] }> {
  const run = new Run(smallWard({ durationMs: 2 * 60_000, security: resolveSecurity({ profile }) }), DEFAULT_DEPENDENCIES);
  runs.push(run);
  await run.open();
  const messages: { topic: string; payload: string }[] = [];
  run.broker!.aedes!.on('publish', (packet: PublishPacket, client) => {
    if (client) messages.push({ topic: packet.topic, payload: packet.payload.toString() });
  });
  await run.runToEnd();
  run.result();
  return { run, messages };
}

describe('pseudonymous patient ids on the wire', () => {
  it('baseline: every device message carries its patient pseudonym, and nothing carries a name, MRN or patient id', async () => {
    const { run, messages } = await wire('baseline');
    const registry = new PseudonymRegistry(run.seed);
    const identifiers = [...run.patients.values()].flatMap((p) => [p.id, p.demographics.name, p.demographics.mrn]);
    expect(identifiers.length).toBe(12);
    let deviceMessages = 0;
    const seen = new Set<string>();
    for (const { topic, payload } of messages) {
      expect(findIdentifiers(payload, identifiers), topic).toEqual([]);
      const decoded = decodeEnvelope(payload);
      const agent = decoded.ok ? run.agentById.get(decoded.envelope.device) : undefined;
      if (!decoded.ok || agent === undefined) continue;
      deviceMessages++;
      expect(decoded.envelope.patient).toMatch(PSEUDONYM_PATTERN);
      expect(decoded.envelope.patient).toBe(registry.pseudonymOf(agent.patient.id));
      seen.add(decoded.envelope.patient!);
    }
    expect(deviceMessages).toBeGreaterThan(500);
    // Four beds, four patients, four pseudonyms; the run's registry maps each back.
    expect(seen.size).toBe(4);
    for (const code of seen) expect(run.patients.has(run.security!.pseudonyms.reidentify(code)!)).toBe(true);
    // The demographics stay in the run, marked synthetic.
    expect([...run.patients.values()].every((p) => p.demographics.synthetic)).toBe(true);
  });

  it('open: device messages name no patient at all, as before', async () => {
    const { run, messages } = await wire('open');
    const devices = messages.map((m) => decodeEnvelope(m.payload)).filter((d) => d.ok && run.agentById.has(d.envelope.device));
    expect(devices.length).toBeGreaterThan(500);
    expect(devices.some((d) => d.ok && 'patient' in d.envelope)).toBe(false);
  });
});

describe('the pseudonym key', () => {
  it('same seed, same pseudonyms; another seed, others', () => {
    expect(new PseudonymRegistry(7).pseudonymOf('P-001')).toBe(new PseudonymRegistry('7').pseudonymOf('P-001'));
    expect(new PseudonymRegistry(8).pseudonymOf('P-001')).not.toBe(new PseudonymRegistry(7).pseudonymOf('P-001'));
  });
});
