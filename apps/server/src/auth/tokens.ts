import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@gapal/shared';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../http/errors.ts';

export type AccessClaims = {
  userId: string;
  role: Role;
  siteId: string | null;
  deviceId: string | null;
};

const ISSUER = 'gapal';
const AUDIENCE = 'gapal-api';

export type TokenSigner = {
  signAccess(claims: AccessClaims): Promise<string>;
  verifyAccess(token: string): Promise<AccessClaims>;
  ttlSeconds: number;
};

/** Verified tokens kept so each request does not redo the signature check (bounded, FIFO). */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenSigner(secret: string, ttlSeconds: number): TokenSigner {
  const key = new TextEncoder().encode(secret);
  // A token is checked once; after that the same string maps to its claims until it expires.
  // Only what the token says is cached: the user and device behind it are read on every request.
  const verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();
  const remember = (token: string, claims: AccessClaims, exp: number | undefined) => {
    if (exp === undefined) return;
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, expiresAt: exp * 1000 });
  };
  return {
    ttlSeconds,
    signAccess: (claims) =>
      new SignJWT({ role: claims.role, site: claims.siteId, dev: claims.deviceId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verifyAccess(token) {
      const known = verified.get(token);
      if (known) {
        if (Date.now() < known.expiresAt) return known.claims;
        verified.delete(token);
        throw new AppError('token_expired', 'Session expirée');
      }
      try {
        // Only HS256 is accepted: `alg: none` and tokens for other algorithms are refused.
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        if (typeof payload.sub !== 'string') throw new AppError('token_invalid', 'Jeton invalide');
        const claims: AccessClaims = {
          userId: payload.sub,
          role: payload.role as Role,
          siteId: (payload.site as string | null) ?? null,
          deviceId: (payload.dev as string | null) ?? null,
        };
        remember(token, claims, payload.exp);
        return claims;
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'Session expirée');
        throw new AppError('token_invalid', 'Jeton invalide');
      }
    },
  };
}

/** Refresh tokens are opaque random strings; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
