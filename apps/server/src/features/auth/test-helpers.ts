import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import type { TestApp } from '../../../test/harness.ts';
import { refreshTokens } from '../../db/schema.ts';
import { hashRefreshToken } from './tokens.ts';

/** A token signed with the server's key whose claims are exactly `claims` (undefined ones left out). */
export function signedWithRealKey(secret: string, claims: Record<string, unknown>): Promise<string> {
  const present = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return new SignJWT(present)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/**
 * The claims of a well-formed access token for `user` (no device), issued now for ten minutes:
 * the base a test spoils one claim of at a time.
 */
export function wellFormedClaims(user: { id: string; role: string }) {
  const now = Math.floor(Date.now() / 1000);
  return {
    role: user.role,
    dev: null,
    iss: 'gapal',
    aud: 'gapal-api',
    sub: user.id,
    iat: now,
    exp: now + 600,
  };
}

/** Moves a rotated refresh token's rotation into the past, as if its grace window had gone by. */
export async function rotatedMinutesAgo(t: TestApp, refreshToken: string, minutes: number): Promise<void> {
  const rows = await t.db
    .update(refreshTokens)
    .set({ rotatedAt: new Date(Date.now() - minutes * 60_000) })
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)))
    .returning({ id: refreshTokens.id });
  if (rows.length !== 1) throw new Error('no such refresh token');
}
