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

export function createTokenSigner(secret: string, ttlSeconds: number): TokenSigner {
  const key = new TextEncoder().encode(secret);
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
      try {
        // Only HS256 is accepted: `alg: none` and tokens for other algorithms are refused.
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        if (typeof payload.sub !== 'string') throw new AppError('token_invalid', 'Jeton invalide');
        return {
          userId: payload.sub,
          role: payload.role as Role,
          siteId: (payload.site as string | null) ?? null,
          deviceId: (payload.dev as string | null) ?? null,
        };
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
