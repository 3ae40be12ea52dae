import { PERMISSIONS, type Permission, roleHasPermission } from '@gapal/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, forbidden } from '../../domain/errors.ts';
import { type IdentityRow, readIdentity } from './identity.repo.ts';
import { createIdentityCache, type IdentityCache } from './identity-cache.ts';
import type { TokenSigner } from './tokens.ts';

/** What a route declares: a permission from the table, any signed-in user, or public. */
export type RouteAccess = Permission | 'authenticated' | 'public';

export type RouteRule = { method: string; url: string; access: RouteAccess };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    routeRules: RouteRule[];
  }
}

/** What checking a token needs; `identities` is per app (buildApp), cleared by the user and device routes. */
export type AuthDeps = { db: Db; signer: TokenSigner; identities: Identities };

/** The identities read for tokens, kept briefly (identity-cache.ts). */
export type Identities = IdentityCache<IdentityRow>;

export function createIdentities(): Identities {
  return createIdentityCache<IdentityRow>();
}

/**
 * For the plugins whose routes change users or devices: every answer to a request that may have
 * changed one clears the kept identities before it goes out, so the change applies to the next
 * request in this process (the handler's transaction has committed by then).
 */
export function forgetIdentitiesOnChange(app: FastifyInstance, identities: Identities): void {
  app.addHook('onSend', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') identities.clear();
  });
}

export function registerAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('actor', null);
  app.decorate('routeRules', [] as RouteRule[]);

  // A route under /api without an access rule is a programming error: refuse to start.
  app.addHook('onRoute', (route) => {
    // The OpenAPI document and its UI are public and registered by their plugins.
    if (!route.url.startsWith('/api') || route.url.startsWith('/api/docs')) return;
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (!access || (access !== 'public' && access !== 'authenticated' && !(access in PERMISSIONS))) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule`);
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeRules.push({ method, url: route.url, access });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || access === 'public') return;
    request.actor = await authenticate(request, deps);
    if (access !== 'authenticated' && !roleHasPermission(request.actor.role, access)) throw forbidden();
  });
}

async function authenticate(request: FastifyRequest, deps: AuthDeps): Promise<Actor> {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) throw new AppError('unauthorized', 'Authentification requise');
  const identity = await identifyToken(deps, header.slice('Bearer '.length).trim());
  return { ...identity, requestId: request.id, ip: request.ip };
}

export type Identity = Omit<Actor, 'requestId' | 'ip'>;

/**
 * Verifies an access token and reads the user and device behind it, for HTTP requests and the
 * WebSocket alike. Throws `token_invalid` (also for an ended session), `token_expired`,
 * `account_disabled` or `device_revoked`.
 */
export async function identifyToken(deps: AuthDeps, token: string): Promise<Identity> {
  const claims = await deps.signer.verifyAccess(token);
  const sessionId = claims.sessionId ?? null;
  // Read on every request (or kept a second, see identity-cache.ts) so a deactivated user, a
  // revoked device or an ended session (logout, refresh-token reuse, an admin's change) is
  // refused at once: one prepared statement reads all three (identity.repo.ts).
  const row = await deps.identities.read(
    `${claims.userId} ${claims.deviceId ?? ''} ${sessionId ?? ''}`,
    () => readIdentity(deps.db, claims.userId, claims.deviceId, sessionId),
    (found) => found.is_active && (!claims.deviceId || found.device_active) && found.session_active,
  );
  if (!row) throw new AppError('token_invalid', 'Jeton invalide');
  if (!row.is_active) throw new AppError('account_disabled', 'Ce compte est désactivé');
  if (claims.deviceId && !row.device_active) {
    throw new AppError('device_revoked', 'Cet appareil a été révoqué');
  }
  if (!row.session_active) throw new AppError('token_invalid', 'Session révoquée : reconnectez-vous');
  return {
    userId: row.id,
    username: row.username,
    // Role and site are read from the database, not the token, so a change applies at once.
    role: row.role,
    siteId: row.site_id,
    deviceId: claims.deviceId,
  };
}

/** The caller of a route that declared an access rule other than `public`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthorized', 'Authentification requise');
  return request.actor;
}
