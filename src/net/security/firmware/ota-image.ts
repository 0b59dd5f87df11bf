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
  /** The vendor's signed permission to go back from one version to an older one (see signRollback). */
  rollback?: RollbackPolicy;
}

/**
 * A vendor's signed permission for one downgrade: devices of `kind` running `from` may install `to`.
 * Anti-rollback stops an attacker reinstalling an old, vulnerable image; a vendor that withdraws a bad
 * release needs a way back that only it can grant (IEC 81001-5-1 §5.6 secure update; the TUF
 * specification's rollback attacks, §1.5.2).
 */
export interface RollbackPolicy {
  vendor: string;
  kind: string;
  from: string;
  to: string;
  /** Ed25519 over the canonical JSON of the four fields above (base64). */
  signature: string;
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

/** The vendor's side: a signed permission to downgrade `kind` from `from` to `to`. */
export function signRollback(vendor: string, kind: string, from: string, to: string, key: KeyObject): RollbackPolicy {
  const body = { vendor, kind, from, to };
  return { ...body, signature: sign(null, Buffer.from(canonicalJson(body), 'utf8'), key).toString('base64') };
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
  if (semver.lt(next, current) && !rollbackAllowed(offer.rollback, manifest, current, key))
    return reject('downgrade', `${next} is older than the running ${current}, and no signed rollback policy allows it`);
  if (semver.eq(next, current)) return reject('not-newer', `${next} is already running`);
  return { ok: true, version: next };
}

/** True when `policy` is the image vendor's signed permission to go from `current` to this image's version. */
function rollbackAllowed(policy: RollbackPolicy | undefined, manifest: FirmwareManifest, current: string, key: KeyObject): boolean {
  if (policy === undefined) return false;
  const { signature, ...body } = policy;
  if (body.vendor !== manifest.vendor || body.kind !== manifest.kind || body.to !== manifest.version) return false;
  if (semver.valid(body.from) !== current) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(body), 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Whether an image is the vendor's, whatever the device would make of its version: signed by a vendor
 * it knows, the signature valid over the manifest, the bytes the manifest's. Ground truth for a
 * device that installs without checking (firmware with `unsigned-firmware`): it then runs code nobody
 * vouched for.
 */
export function isGenuine(offer: FirmwareImage, vendors: ReadonlyMap<string, KeyObject>): boolean {
  const key = vendors.get(offer.manifest.vendor);
  if (key === undefined || offer.signature === undefined || offer.signature === '') return false;
  try {
    if (!verify(null, manifestBytes(offer.manifest), key, Buffer.from(offer.signature, 'base64'))) return false;
  } catch {
    return false;
  }
  return offer.manifest.size === offer.image.length && offer.manifest.sha256 === sha256(offer.image);
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
