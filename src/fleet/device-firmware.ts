import type { KeyObject } from 'node:crypto';
import { WEAKNESSES, type Weakness, weaknessesOf } from '../net/security/firmware/catalogue.ts';
import { isGenuine, verifyImage } from '../net/security/firmware/ota-image.ts';
import { type FirmwareOffer, parseOffer } from '../net/security/firmware/ota-offer.ts';

/** What a device runs: a version, and whether the image is the vendor's (ground truth, not what it claims). */
export interface RunningFirmware {
  version: string;
  genuine: boolean;
}

/** How a device's bootloader treats update images. */
export interface OtaPolicy {
  /** The firmwarePolicy control: signed images only, never older (docs/security.md). */
  enforce: boolean;
  /** Vendors whose keys the device was provisioned with. */
  vendors: ReadonlyMap<string, KeyObject>;
}

export type OfferVerdict =
  | { ok: true; version: string; genuine: boolean; onFailure: FirmwareOffer['onFailure']; checked: boolean }
  | { ok: false; code: string; reason: string; version: string | undefined };

/** Every weakness: what an image nobody vouched for may do (an attacker's build keeps no promise). */
const ALL_WEAKNESSES: ReadonlySet<Weakness> = new Set(Object.keys(WEAKNESSES) as Weakness[]);

/**
 * The weaknesses of what a device runs: the catalogue's for a genuine version (docs/advisories.md);
 * all of them for an image that is not the vendor's — a tampered build is the attacker's code.
 */
export function firmwareWeaknesses(kind: string, running: RunningFirmware): ReadonlySet<Weakness> {
  return running.genuine ? weaknessesOf(kind, running.version) : ALL_WEAKNESSES;
}

/**
 * A device's bootloader deciding on an offered image (FDA 2023 premarket guidance, Appendix 1; IEC
 * 81001-5-1 secure update): under `enforce`, firmware without `unsigned-firmware` installs only a
 * vendor-signed, intact image for its kind that is newer than what it runs (or older, with the
 * vendor's signed rollback policy) — verifyImage's checks; firmware with the weakness, or any firmware
 * when the control is off, installs whatever it is given. `genuine` records which it was.
 */
export function checkOffer(kind: string, running: RunningFirmware, body: unknown, policy: OtaPolicy): OfferVerdict {
  const parsed = parseOffer(body);
  if (!parsed.ok) return { ok: false, code: 'firmware.malformed', reason: parsed.detail, version: undefined };
  const { offer, image } = parsed;
  const version = offer.manifest.version;
  const genuine = isGenuine(image, policy.vendors);
  const checked = policy.enforce && !firmwareWeaknesses(kind, running).has('unsigned-firmware');
  if (checked) {
    const check = verifyImage(image, { kind, current: running.version, vendors: policy.vendors });
    if (!check.ok) return { ok: false, code: `firmware.${check.reason}`, reason: check.detail, version };
  }
  return { ok: true, version, genuine, onFailure: offer.onFailure, checked };
}
