import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export type ScryptParams = { N: number; r: number; p: number; maxmem: number };

const MAX_MEMORY = 64 * 1024 * 1024;

/** scrypt with cost `n`, r=8, p=1: at N=2^15 (the server's default) about 50 ms and 32 MiB per hash. */
export function scryptParams(n: number): ScryptParams {
  return { N: n, r: 8, p: 1, maxmem: MAX_MEMORY };
}
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, params, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Returns `scrypt$N$r$p$salt$hash`, all parameters kept so they can be raised later (a check reads
 * them from the hash). `params`: the server's `config.passwordHashing`.
 */
export async function hashPassword(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of no one's password per cost, for `verifyAgainstDummy`. */
const dummyHashes = new Map<number, Promise<string>>();

/**
 * Spends the same time as a real check at the server's cost, so an unknown user can't be told
 * from a wrong password.
 */
export async function verifyAgainstDummy(password: string, params: ScryptParams): Promise<false> {
  let dummy = dummyHashes.get(params.N);
  if (!dummy) {
    dummy = hashPassword('gapal-dummy-password', params);
    dummyHashes.set(params.N, dummy);
  }
  await verifyPassword(password, await dummy);
  return false;
}
