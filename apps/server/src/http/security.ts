import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { Config } from '../config.ts';

/**
 * The built dashboard is a Vite SPA: one external module script, external CSS, same-origin
 * fetches and WebSocket (`'self'` covers ws:/wss: to the same host in CSP 3), a service worker
 * and a manifest. Nothing inline, so scripts and styles stay `'self'` only.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'worker-src': ["'self'"],
};

/**
 * Security headers, HSTS on https only, and CORS closed unless origins are listed.
 * `upgrade-insecure-requests` is left out on purpose: a depot PC often serves plain http on the
 * LAN, where that directive would break every asset.
 */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // The dashboard loads nothing cross-origin; COEP would only get in the way of the API docs.
    crossOriginEmbedderPolicy: false,
    // HSTS on plain http is ignored by browsers at best and locks a LAN install out at worst.
    hsts: false,
  });
  const { hstsMaxAgeSeconds, corsOrigins } = config.security;
  if (hstsMaxAgeSeconds > 0) {
    app.addHook('onRequest', async (request, reply) => {
      // `request.protocol` reads X-Forwarded-Proto only from a trusted proxy (TRUST_PROXY).
      if (request.protocol === 'https') {
        reply.header('strict-transport-security', `max-age=${hstsMaxAgeSeconds}; includeSubDomains`);
      }
    });
  }
  if (corsOrigins.length > 0) {
    await app.register(cors, {
      origin: corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }
}

/** The API docs page (swagger-ui) sets inline styles; it alone gets them. */
export function relaxDocsCsp(header: string): string {
  return header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}

/**
 * Rate limit for the sync routes, per device (or user) rather than per IP: vendors on a mobile
 * network share a few carrier-NAT addresses. The token is only read here, not trusted: a forged
 * one gets its own bucket and is then refused by the auth hook.
 */
export function syncRateLimit(config: Config) {
  return {
    max: config.security.syncRateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `sync:${tokenSubject(request) ?? request.ip}`,
  };
}

function tokenSubject(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  try {
    const claims = decodeJwt(header.slice(7));
    if (typeof claims.dev === 'string') return `device:${claims.dev}`;
    return typeof claims.sub === 'string' ? `user:${claims.sub}` : undefined;
  } catch {
    return undefined;
  }
}
