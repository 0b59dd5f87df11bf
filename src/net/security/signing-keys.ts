import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Rng } from '../../core/rng.ts';
import { bytes } from './identities.ts';

/** RFC 8410 §7: the PKCS#8 header of an Ed25519 private key, followed by its 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * An Ed25519 key pair derived from the scenario seed and a name (`command/<issuer>`,
 * `firmware/<vendor>`): Ed25519 signatures are deterministic (RFC 8032 §5.1.6), so a signed command is
 * the same bytes in every run of a seed and the event-log digest holds. The seed is the root secret
 * of a simulated run; a real deployment keeps such keys in an HSM.
 */
export function deriveSigningKey(seed: string | number, name: string): SigningKeyPair {
  const secret = bytes(new Rng(seed).fork(`security/signing/${name}`), 32);
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, secret]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
