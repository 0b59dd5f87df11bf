import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { signImage } from '../../src/net/security/firmware/ota-image.ts';
import { DEVICE_VENDOR, firmwareBuild, offerBody, vendorKey } from '../../src/net/security/firmware/ota-offer.ts';
import { resolveSecurity } from '../../src/net/security/profile-schema.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import { loadScenarioFile } from '../../src/scenario/loader.ts';
import type { Plan } from '../../src/scenario/plan.ts';
import { smallWard } from '../helpers/plans.ts';

/*
 * The firmware attacks end to end on real sockets (scenarios/attacks/firmware-*.yaml): under open a
 * vulnerable pump installs the tampered or old image and runs it; under hardened the outsider never
 * reaches it; and when an offer does reach a patched pump through an authorised, signed channel, the
 * pump itself refuses the image with its reason.
 */

async function run(plan: Plan) {
  const events: LoggedEvent[] = [];
  const result = await executeScenario(plan, { port: 0, onEvents: (batch) => events.push(...batch) });
  return { result, events };
}
const load = (name: string) => loadScenarioFile(`scenarios/attacks/${name}.yaml`, SCENARIO_REGISTRIES);
const of = (events: readonly LoggedEvent[], type: string, source = 'infusion-pump-001') =>
  events.filter((e) => e.type === type && e.source === source).map((e) => e.data);

describe('firmware attacks', () => {
  it('open: a vulnerable pump boots the tampered build, the IDS flags it, and the same seed gives the same digest', async () => {
    const plan = await load('firmware-tamper');
    const first = await run(plan);
    expect(first.result.ok).toBe(true);
    expect(of(first.events, 'firmware.installed')).toEqual([{ from: '3.1.0', genuine: false, kind: 'infusion-pump', to: '3.3.0' }]);
    const alerts = first.events.filter((e) => e.type === 'ids.alert').map((e) => e.data.rule);
    expect(alerts).toContain('firmware-mismatch');
    const again = await run(plan);
    expect(again.result.digest).toBe(first.result.digest);
  });

  it('open: a downgrade reinstalls the genuine 1.4.0, and the pump runs it to the end', async () => {
    const { result, events } = await run(await load('firmware-downgrade'));
    expect(result.ok).toBe(true);
    expect(of(events, 'firmware.installed')).toEqual([{ from: '3.1.0', genuine: true, kind: 'infusion-pump', to: '1.4.0' }]);
    expect(result.expectations.find((e) => e.name.startsWith('the pump runs compromised'))?.measured).toBe(6);
  });

  it('hardened: the outsider is refused before MQTT, nothing is installed, and the refusal is detected', async () => {
    for (const name of ['firmware-tamper-hardened', 'firmware-downgrade-hardened']) {
      const { result, events } = await run(await load(name));
      expect(result.ok, name).toBe(true);
      expect(events.filter((e) => e.type === 'attack.connect').map((e) => e.data.outcome)).toEqual(['refused']);
      expect(of(events, 'firmware.installing')).toEqual([]);
      expect(events.some((e) => e.type === 'ids.alert' && e.data.rule === 'refused-access')).toBe(true);
    }
  });

  it('hardened, from a compromised biomed workstation: the offer passes the broker and its command check, the image does not', async () => {
    const { result, events } = await run(await load('firmware-tamper-insider-hardened'));
    expect(result.ok).toBe(true);
    expect(events.filter((e) => e.type === 'attack.connect').map((e) => [e.data.clientId, e.data.outcome])).toEqual([
      ['medtwin-console-biomed-icu', 'accepted'],
    ]);
    expect(of(events, 'firmware.rejected').map((d) => d.code)).toEqual(['firmware.bad-signature']);
    expect(events.filter((e) => e.type === 'ids.alert').map((e) => e.data.rule)).toContain('firmware-refused');
    // Under open the same laptop's offer is installed by the vulnerable pump.
    const open = await run({
      ...(await load('firmware-tamper')),
      timeline: [
        {
          id: 'firmware-tamper',
          at: 120_000,
          fault: 'attack.firmware-tamper',
          target: { device: 'infusion-pump-001' },
          params: { from: 'biomed-workstation', version: '3.3.0' },
        },
      ],
    });
    expect(of(open.events, 'firmware.installed').map((d) => d.genuine)).toEqual([false]);
  });

  it('hardened: an image that reaches a patched pump through the biomed console, signed, is refused for what it is', async () => {
    const seed = 7;
    const vendor = vendorKey(seed).privateKey;
    const good = signImage(DEVICE_VENDOR, 'infusion-pump', '3.3.0', firmwareBuild('infusion-pump', '3.3.0'), vendor);
    const tampered = { ...good, image: Buffer.alloc(good.image.length, 0x90) };
    const old = signImage(DEVICE_VENDOR, 'infusion-pump', '1.4.0', firmwareBuild('infusion-pump', '1.4.0'), vendor);
    const plan = smallWard({
      seed,
      durationMs: 8 * 60_000,
      security: resolveSecurity({ profile: 'hardened' }),
      // The campaign patches pump 002 (and so opens the zone's biomed console); pump 001 gets the bad offers.
      campaigns: [
        {
          id: 'p2',
          at: 60_000,
          kind: 'infusion-pump',
          to: '3.3.0',
          stages: [{ device: 'infusion-pump-002', after: 0 }],
          failureRate: 0,
          rollback: true,
          window: 30 * 60_000,
        },
      ],
      commands: [
        { at: 120_000, target: { device: 'infusion-pump-001' }, command: offerBody(tampered) },
        { at: 150_000, target: { device: 'infusion-pump-001' }, command: offerBody(old) },
      ],
    });
    const { result, events } = await run(plan);
    expect(of(events, 'firmware.rejected').map((d) => d.code)).toEqual(['firmware.digest-mismatch', 'firmware.downgrade']);
    expect(of(events, 'firmware.installed', 'infusion-pump-002')).toEqual([
      { from: '3.2.1', genuine: true, kind: 'infusion-pump', to: '3.3.0' },
    ]);
    expect(of(events, 'firmware.installed')).toEqual([]);
    // Both offers were the biomed's, signed: the pump's own check refused them, and the audit log has it.
    expect(result.security?.commands.refusedByDevices).toBe(2);
    expect(result.campaigns).toEqual([
      {
        id: 'p2',
        kind: 'infusion-pump',
        to: '3.3.0',
        zones: [{ zone: 'icu', offered: 1, patched: 1, failed: 0, rolledBack: 0, refused: 0 }],
      },
    ]);
  });
});
