import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import semver from 'semver';
import { canonicalJson } from '../../../core/canonical-json.ts';

/** What a firmware image says about itself; the signature covers exactly this. */
export interface FirmwareManifest {
  vendor: string;
  kind: string;
  version: string;
  size: number;
  /** SHA-256 of the image bytes, hex. */
  sha256: string;
}

/** An update as offered over the air: manifest, image, and the vendor's Ed25519 signature (base64). */
export interface FirmwareImage {
  manifest: FirmwareManifest;
  image: Buffer;
  signature?: string;
}

export type ImageRejection =
  | 'unsigned'
  | 'unknown-vendor'
  | 'bad-signature'
  | 'digest-mismatch'
  | 'wrong-kind'
  | 'invalid-version'
  | 'downgrade'
  | 'not-newer';

export type ImageCheck = { ok: true; version: string } | { ok: false; reason: ImageRejection; detail: string };

export interface ImagePolicy {
  /** The device's kind and the version it runs now. */
  kind: string;
  current: string;
  /** Vendors whose signing keys the device was provisioned with. */
  vendors: ReadonlyMap<string, KeyObject>;
}

/** The vendor's side: a manifest for `image` and its signature. */
export function signImage(vendor: string, kind: string, version: string, image: Buffer, key: KeyObject): FirmwareImage {
  const manifest: FirmwareManifest = { vendor, kind, version, size: image.length, sha256: sha256(image) };
  return { manifest, image, signature: sign(null, manifestBytes(manifest), key).toString('base64') };
}

/**
 * The device's side, before it installs anything (FDA 2023 premarket guidance, Appendix 1:
 * authenticate software updates; IEC 81001-5-1 secure update; NIST SP 1800-8: signed pump
 * firmware): signed, by a vendor it trusts, the signature valid over the manifest, the image the one
 * the manifest describes, for this kind of device, and strictly newer than what it runs — an older
 * image could bring back a fixed vulnerability (anti-rollback).
 */
export function verifyImage(offer: FirmwareImage, policy: ImagePolicy): ImageCheck {
  const { manifest } = offer;
  if (offer.signature === undefined || offer.signature === '') return reject('unsigned', 'the image carries no signature');
  const key = policy.vendors.get(manifest.vendor);
  if (key === undefined) return reject('unknown-vendor', `vendor ${JSON.stringify(manifest.vendor)} is not trusted`);
  if (!verify(null, manifestBytes(manifest), key, Buffer.from(offer.signature, 'base64'))) {
    return reject('bad-signature', `the signature does not match the manifest of ${manifest.vendor} ${manifest.version}`);
  }
  if (manifest.size !== offer.image.length || manifest.sha256 !== sha256(offer.image)) {
    return reject('digest-mismatch', 'the image is not the one its signed manifest describes');
  }
  if (manifest.kind !== policy.kind) return reject('wrong-kind', `an image for ${manifest.kind} offered to a ${policy.kind}`);
  const next = semver.valid(manifest.version);
  const current = semver.valid(policy.current);
  if (next === null || current === null)
    return reject('invalid-version', `versions must be semver, received ${manifest.version} over ${policy.current}`);
  if (semver.lt(next, current)) return reject('downgrade', `${next} is older than the running ${current}`);
  if (semver.eq(next, current)) return reject('not-newer', `${next} is already running`);
  return { ok: true, version: next };
}

function manifestBytes(manifest: FirmwareManifest): Buffer {
  return Buffer.from(canonicalJson(manifest), 'utf8');
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function reject(reason: ImageRejection, detail: string): ImageCheck {
  return { ok: false, reason, detail };
}
