import { createHash, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { deriveSigningKey } from '../signing-keys.ts';
import { type FirmwareImage, signImage } from './ota-image.ts';

/** The command type that offers a device a firmware image over its command topic (docs/security.md). */
export const FIRMWARE_UPDATE = 'firmware.update';

/** The one manufacturer of medtwin's simulated devices: its key signs their images. */
export const DEVICE_VENDOR = 'medtwin-devices';

/** The vendor's image-signing key pair, from the seed (a real vendor keeps it in an HSM). */
export function vendorKey(seed: string | number, vendor = DEVICE_VENDOR): { privateKey: KeyObject; publicKey: KeyObject } {
  return deriveSigningKey(seed, `firmware/${vendor}`);
}

/** What devices are provisioned with at manufacture: the vendor's public key. */
export function vendorKeys(seed: string | number): ReadonlyMap<string, KeyObject> {
  return new Map([[DEVICE_VENDOR, vendorKey(seed).publicKey]]);
}

/**
 * The bytes of a build of `kind` at `version`: stand-in content, the same for every run, small enough
 * (2 KiB) to cross a broker in a run of thousands of devices. Only its digest and size matter to the
 * checks, so nothing here pretends to be machine code.
 */
export function firmwareBuild(kind: string, version: string, size = 2048): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`${kind}@${version}`).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** The vendor's signed build of `kind` at `version`, as it publishes it for download (a support portal). */
export function publishedImage(seed: string | number, kind: string, version: string): FirmwareImage {
  return signImage(DEVICE_VENDOR, kind, version, firmwareBuild(kind, version), vendorKey(seed).privateKey);
}

const manifestSchema = z.strictObject({
  vendor: z.string(),
  kind: z.string(),
  version: z.string(),
  size: z.number().int().min(0),
  sha256: z.string(),
});

const rollbackSchema = z.strictObject({ vendor: z.string(), kind: z.string(), from: z.string(), to: z.string(), signature: z.string() });

/** An offer as it travels in a command body (the image base64-encoded). */
export const firmwareOfferSchema = z.looseObject({
  type: z.literal(FIRMWARE_UPDATE),
  manifest: manifestSchema,
  image: z.base64(),
  signature: z.string().optional(),
  rollback: rollbackSchema.optional(),
  /** What the device does if the new image fails to boot: go back to the one it ran (A/B slots), or stay down. */
  onFailure: z.enum(['rollback', 'stay-down']).default('rollback'),
  commandId: z.string().optional(),
});

export type FirmwareOffer = z.output<typeof firmwareOfferSchema>;

/** The command body that offers `image`. */
export function offerBody(
  image: FirmwareImage,
  onFailure: FirmwareOffer['onFailure'] = 'rollback',
): Record<string, unknown> & { type: string } {
  return {
    type: FIRMWARE_UPDATE,
    manifest: image.manifest,
    image: image.image.toString('base64'),
    ...(image.signature === undefined ? {} : { signature: image.signature }),
    ...(image.rollback === undefined ? {} : { rollback: image.rollback }),
    onFailure,
  };
}

/** A received offer as an image to check, or why it is not one. */
export function parseOffer(body: unknown): { ok: true; offer: FirmwareOffer; image: FirmwareImage } | { ok: false; detail: string } {
  const parsed = firmwareOfferSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, detail: `malformed firmware offer: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim() };
  }
  const offer = parsed.data;
  return {
    ok: true,
    offer,
    image: {
      manifest: offer.manifest,
      image: Buffer.from(offer.image, 'base64'),
      ...(offer.signature === undefined ? {} : { signature: offer.signature }),
      ...(offer.rollback === undefined ? {} : { rollback: offer.rollback }),
    },
  };
}
