import { createHash } from 'node:crypto';
import semver from 'semver';
import { z } from 'zod';
import { offerBody } from '../../net/security/firmware/ota-offer.ts';
import { defineAttack } from './attack.ts';
import { connectAsAttacker, forgedCommand, runOf, targetTopic } from './support.ts';

/**
 * A modified image pushed over the air: the adversary downloads the vendor's signed build, patches a
 * backdoor into it, fixes the manifest's size and digest to match, and offers it to the device as a
 * firmware update. It cannot re-sign the manifest, so the vendor's signature no longer covers it: a
 * device that checks refuses it (`firmware.bad-signature`); one that does not boots the attacker's
 * code, which keeps none of the firmware's protections.
 */
export const firmwareTamper = defineAttack({
  name: 'attack.firmware-tamper',
  category: 'attack',
  summary: 'offer a device a modified firmware image (a backdoor patched into the vendor’s build)',
  precedent:
    'Download of code without integrity check (CWE-494): CISA ICSMA-20-023-01 (GE CARESCAPE “MDhex”: an update mechanism that ' +
    'accepts a crafted package, docs/advisories.md); Rios and Butts, Black Hat USA 2018, showed a Medtronic CareLink 2090 ' +
    'programmer installing unsigned updates fetched over the network. FDA’s 2023 premarket guidance asks for authenticated updates.',
  labels: {},
  techniques: ['T0839', 'T0857'],
  stoppedBy: [
    { control: 'authentication', how: 'an outsider cannot connect' },
    { control: 'acl', how: 'only a biomed console of the zone may offer firmware: anything else is dropped and logged' },
    { control: 'signedCommands', how: 'the offer itself must be signed by a console whose role has the firmware permission' },
    { control: 'firmwarePolicy', how: 'patched firmware installs only an image whose manifest the vendor signed, and refuses this one' },
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
      .refine((v) => semver.valid(v) !== null, { message: 'expected a version like "3.3.0" (semver)' })
      .default('3.3.0')
      .describe('the version the tampered image claims to be (a plausible next release)'),
  }),
  async execute(context, params) {
    const { target } = context;
    if (context.vendorImage === undefined)
      throw new Error('attack.firmware-tamper needs the vendor’s published images (the run provides them)');
    const genuine = context.vendorImage(target.kind, params.version);
    const image = Buffer.from(genuine.image);
    // The backdoor: a patched block in the middle of the build.
    image.fill(0x90, 512, 768);
    const manifest = { ...genuine.manifest, size: image.length, sha256: createHash('sha256').update(image).digest('hex') };
    const session = await connectAsAttacker(context);
    await session?.publish(
      targetTopic(target, 'cmd'),
      forgedCommand(context, offerBody({ manifest, image, ...(genuine.signature ? { signature: genuine.signature } : {}) })),
    );
    return runOf(target.site, [session]);
  },
});
