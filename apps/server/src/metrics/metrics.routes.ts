import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/client.ts';
import { AppError } from '../domain/errors.ts';
import type { Metrics } from './metrics.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const PROXY_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'];

/**
 * Times every request and serves `GET /metrics` (Prometheus text format). `/metrics` is outside
 * `/api` and never proxied by the shipped nginx site; the server itself answers it only to a
 * bearer `METRICS_TOKEN` when one is set, otherwise only to a direct loopback connection (the
 * socket address, not X-Forwarded-For, and no proxy header at all). Anyone else gets a 404.
 */
export async function registerMetrics(
  app: FastifyInstance,
  options: { metrics: Metrics; database: Database; token: string | undefined },
): Promise<void> {
  const { metrics } = options;
  const untrackPool = metrics.trackDatabasePool(() => options.database.poolStats());
  app.addHook('onClose', async () => {
    untrackPool();
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label, so a scanner can't grow the series without bound.
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    metrics.recordRequest(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (!isAllowed(request, options.token)) {
      throw new AppError('not_found', `Aucune route ${request.method} /metrics`);
    }
    reply.header('content-type', metrics.contentType);
    reply.header('cache-control', 'no-store');
    return metrics.scrape();
  });
}

function isAllowed(request: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  if (PROXY_HEADERS.some((name) => request.headers[name] !== undefined)) return false;
  return LOOPBACK.has(request.socket.remoteAddress ?? '');
}
