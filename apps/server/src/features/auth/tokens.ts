import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@gapal/shared';
import { type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { AppError } from '../../domain/errors.ts';

export type AccessClaims = {
  userId: string;
  role: Role;
  siteId: string | null;
  deviceId: string | null;
  /**
   * The login session (refresh-token family) the token was issued in, as `sid`. Every token the
   * server issues carries it; a revoked session refuses its access tokens at once (request-auth.ts).
   */
  sessionId?: string | null;
};

const ISSUER = 'gapal';
const AUDIENCE = 'gapal-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type TokenSigner = {
  signAccess(claims: AccessClaims): Promise<string>;
  verifyAccess(token: string): Promise<AccessClaims>;
  ttlSeconds: number;
};

/** Verified tokens kept so each request does not redo the signature check (bounded, least recently used out). */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenSigner(secret: string, ttlSeconds: number): TokenSigner {
  const key = new TextEncoder().encode(secret);
  // A token is checked once; after that the same string maps to its claims until it expires
  // (each entry lives until its token's `exp`; an expired one is gone, and the check that follows
  // answers token_expired). Only what the token says is cached: the user and device behind it
  // are read on every request.
  const verified = new LRUCache<string, AccessClaims>({ max: VERIFIED_CACHE_SIZE, ttlResolution: 0 });
  const remember = (token: string, claims: AccessClaims, exp: number) => {
    const ttl = Math.floor(exp * 1000 - Date.now());
    if (ttl >= 1) verified.set(token, claims, { ttl });
  };
  return {
    ttlSeconds,
    signAccess: (claims) =>
      new SignJWT({
        role: claims.role,
        site: claims.siteId,
        dev: claims.deviceId,
        ...(claims.sessionId ? { sid: claims.sessionId } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verifyAccess(token) {
      const known = verified.get(token);
      if (known) return known;
      let payload: JWTPayload;
      try {
        // Only HS256 is accepted: `alg: none` and tokens for other algorithms are refused.
        // jose checks that `exp` and `iat` are numbers when present; `requiredClaims` makes them present.
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'Session expirée');
        throw new AppError('token_invalid', 'Jeton invalide');
      }
      const claims = claimsOf(payload);
      remember(token, claims, payload.exp!);
      return claims;
    },
  };
}

/**
 * What a correctly signed token says, when every claim is well-formed: `sub` a UUID, `dev`
 * present (a UUID, or null for a session without a device), `sid` absent, null or a UUID.
 * Anything else is `token_invalid`, never a 500 further down (the ids go to uuid columns).
 */
function claimsOf(payload: JWTPayload): AccessClaims {
  const { sub, dev, sid, site } = payload as JWTPayload & { dev?: unknown; sid?: unknown; site?: unknown };
  const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
  const isUuidOrNull = (value: unknown): value is string | null => value === null || isUuid(value);
  if (
    !isUuid(sub) ||
    !isUuidOrNull(dev) ||
    (sid !== undefined && !isUuidOrNull(sid)) ||
    (site !== undefined && !isUuidOrNull(site))
  ) {
    throw new AppError('token_invalid', 'Jeton invalide');
  }
  return {
    userId: sub,
    role: payload.role as Role,
    siteId: site ?? null,
    deviceId: dev,
    sessionId: sid ?? null,
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
