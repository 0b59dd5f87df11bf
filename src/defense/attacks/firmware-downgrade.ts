import semver from 'semver';
import { z } from 'zod';
import { offerBody } from '../../net/security/firmware/ota-offer.ts';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/**
 * A rollback to a vulnerable release: the adversary offers the device the vendor's own, correctly
 * signed image of an old version with a published vulnerability (for a pump, 1.4.0: default
 * password and unauthenticated commands, MEDTWIN-SA-2025-01). The signature is genuine, so only
 * anti-rollback stops it: patched firmware refuses an older image without the vendor's signed
 * rollback policy (`firmware.downgrade`); firmware without that check reinstalls the old weaknesses.
 */
export const firmwareDowngrade = defineAttack({
  name: 'attack.firmware-downgrade',
  category: 'attack',
  summary: 'offer a device the vendor’s genuine image of an old, vulnerable version',
  precedent:
    'Security version number mutable to older versions (CWE-1328); rollback attacks on update systems (The Update Framework ' +
    'specification, §1.5.2). CISA ICSMA-20-023-01 (an update mechanism that accepts what it is given, docs/advisories.md) and ' +
    'ICSMA-17-250-02 (Medfusion 4000, whose fixed version a downgrade would undo).',
  labels: {},
  techniques: ['T0857', 'T0839'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'only a biomed console of the zone may offer firmware: anything else is dropped and logged' },
    { control: 'signedCommands', how: 'the offer itself must be signed by a console whose role has the firmware permission' },
    { control: 'firmwarePolicy', how: 'patched firmware refuses an image older than the one it runs (anti-rollback), signed or not' },
  ],
  detectedBy: ['unknown-client', 'unauthorized-command', 'firmware-mismatch', 'firmware-refused', 'refused-access'],
  impacts: ['compromised-firmware-minutes', 'therapy-interruption-minutes', 'time-to-detection'],
  params: z.strictObject({
    from: z
      .enum(['outsider', 'biomed-workstation'])
      .default('outsider')
      .describe(
        'outsider: network access only; biomed-workstation: a compromised biomed laptop of the zone — its password, client certificate and command key, but not the vendor’s signing key',
      ),
    version: z
      .string()
      .refine((v) => semver.valid(v) !== null, { message: 'expected a version like "1.4.0" (semver)' })
      .default('1.4.0')
      .describe('the old version to reinstall (by default one with the pump’s worst advisory)'),
  }),
  async execute(context, params) {
    const { target } = context;
    if (context.vendorImage === undefined)
      throw new Error('attack.firmware-downgrade needs the vendor’s published images (the run provides them)');
    const session = await connectAsAttacker(context);
    await session?.publish(targetTopic(target, 'cmd'), forgedCommand(context, offerBody(context.vendorImage(target.kind, params.version))));
    return runOf(target.site, [session]);
  },
});
