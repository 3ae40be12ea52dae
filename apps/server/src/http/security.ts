import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
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
  // Voice notes play from `blob:` URLs: the dashboard fetches a note with its bearer token, the
  // phone plays back what it just recorded.
  'media-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'worker-src': ["'self'"],
};

/**
 * Helmet's hardening headers for the options below, computed once: they are the same for every
 * response (no per-request nonce), and building them per request (as @fastify/helmet does) cost
 * the server a tenth of its CPU on a page of the order list (bench/RESULTS.md).
 * `upgrade-insecure-requests` is left out on purpose: a depot PC often serves plain http on the
 * LAN, where that directive would break every asset.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = helmetHeaders({
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  // The dashboard loads nothing cross-origin; COEP would only get in the way of the API docs.
  crossOriginEmbedderPolicy: false,
  // HSTS on plain http is ignored by browsers at best and locks a LAN install out at worst.
  strictTransportSecurity: false,
});

/** The headers helmet's middleware sets for these options, collected from one dry run. */
function helmetHeaders(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => {},
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/** Security headers, HSTS on https only, and CORS closed unless origins are listed. */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
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
