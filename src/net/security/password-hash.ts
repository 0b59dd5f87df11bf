import { scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost parameters (RFC 7914): N CPU/memory cost, r block size, p parallelism. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * Operators' passwords: N = 2^14, r = 8 (16 MiB), the cost RFC 7914 §2 gives for interactive logins.
 * There are a handful of consoles per run.
 */
export const OPERATOR_COST: ScryptCost = { N: 2 ** 14, r: 8, p: 1 };

/**
 * Devices' and the twin's secrets: N = 2^10 (1 MiB). A slow hash protects guessable secrets (NIST SP
 * 800-63B §5.1.1.2); these are 143-bit random strings nobody can guess, so scrypt here is defence in
 * depth, and a lower cost keeps connecting 10,000 devices in seconds, not minutes.
 */
export const DEVICE_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

const KEY_LENGTH = 32;

export interface PasswordHash {
  salt: Buffer;
  hash: Buffer;
  cost: ScryptCost;
}

export async function hashPassword(password: string, salt: Buffer, cost: ScryptCost): Promise<PasswordHash> {
  return { salt, hash: await derive(password, salt, cost), cost };
}

/** Compares in constant time; a wrong password costs as much as a right one. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = await derive(password, stored.salt, stored.cost);
  return timingSafeEqual(candidate, stored.hash);
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; node's 32 MiB default refuses nothing here but is stated.
    scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
