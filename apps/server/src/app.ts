import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { registerEmbeddedMaintenance } from './db/maintenance.ts';
import type { AppDeps } from './deps.ts';
import { auditRoutes } from './features/audit/audit.routes.ts';
import { authRoutes } from './features/auth/auth.routes.ts';
import { createIdentities, registerAuth } from './features/auth/request-auth.ts';
import { createTokenSigner } from './features/auth/tokens.ts';
import { categoriesRoutes } from './features/catalog/categories.routes.ts';
import { productsRoutes } from './features/catalog/products.routes.ts';
import { clientsRoutes } from './features/clients/clients.routes.ts';
import { devicesRoutes } from './features/devices/devices.routes.ts';
import { healthRoutes } from './features/health/health.routes.ts';
import { registerExpiryScheduler } from './features/notifications/expiry-job.ts';
import { notificationsRoutes } from './features/notifications/notifications.routes.ts';
import { orderMoneyRoutes } from './features/orders/order-money.routes.ts';
import { ordersRoutes } from './features/orders/orders.routes.ts';
import { reportsRoutes } from './features/reports/reports.routes.ts';
import { sitesRoutes } from './features/sites/sites.routes.ts';
import { lotsRoutes } from './features/stock/lots.routes.ts';
import { stockRoutes } from './features/stock/stock.routes.ts';
import { syncRoutes } from './features/sync/sync.routes.ts';
import { registerSyncLogPruning } from './features/sync/sync-log-pruning.ts';
import { usersRoutes } from './features/users/users.routes.ts';
import { voiceNotesRoutes } from './features/voice-notes/voice-notes.routes.ts';
import { answerClientError, answerFrameworkError } from './http/client-errors.ts';
import { registerErrorHandling } from './http/errors.ts';
import { transformOpenApiObject } from './http/openapi.ts';
import { registerSecurity, relaxDocsCsp } from './http/security.ts';
import { openCountersRedis } from './lib/redis.ts';
import { registerMetrics } from './metrics/metrics.routes.ts';
import { createMetrics } from './metrics/metrics.ts';
import { createEventBus } from './realtime/bus.ts';
import { realtimeRoutes } from './realtime/realtime.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What `runWrite` needs, for the writes made outside a route (the bootstrap, tests). */
    writes: AppDeps;
  }
}

export type BuildOptions = {
  logger?: boolean;
  /** Scheduled jobs (the daily expiry check, the sync log pruning, the embedded database's VACUUM and ANALYZE): on in server.ts, off in tests unless asked for. */
  jobs?: boolean;
};

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Builds the whole HTTP application on an open, migrated database. Binds no port. */
export async function buildApp(
  config: Config,
  database: Database,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true },
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    trustProxy: config.trustProxy,
    // Refusals made before any route is found answer in the shared error shape too.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const deps: AppDeps = {
    config,
    database,
    db: database.db,
    signer: createTokenSigner(config.jwtSecret, config.accessTokenTtlSeconds),
    identities: createIdentities(),
    bus: await createEventBus(config.redisUrl, app.log),
    redis: config.redisUrl ? await openCountersRedis(config.redisUrl, app.log) : null,
    writeHooks: new Set(),
    metrics: createMetrics(),
  };
  app.decorate('bus', deps.bus);
  app.decorate('writes', deps);
  app.addHook('onClose', async () => {
    await deps.bus.close();
    await deps.redis?.quit().catch(() => undefined);
  });
  // A user's or device's change made on any process: what this one kept about them is stale.
  deps.bus.onSessionEnd(() => deps.identities.clear());
  if (options.jobs) {
    registerExpiryScheduler(app, deps);
    registerSyncLogPruning(app, deps);
    registerEmbeddedMaintenance(app, deps);
  }

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const webDist = config.webDist ?? DEFAULT_WEB_DIST;
  const hasWebApp = existsSync(path.join(webDist, 'index.html'));
  // Before the not-found handler, which only runs the hooks added before it.
  await registerSecurity(app, config);
  registerErrorHandling(app, { spaFallback: hasWebApp });
  registerAuth(app, deps);

  await registerMetrics(app, { metrics: deps.metrics, database, token: config.security.metricsToken });
  // With Redis, every process counts in the same place: two processes don't double a limit.
  // A Redis error lets the request through rather than refusing everyone (`skipOnError`).
  await app.register(rateLimit, {
    global: false,
    ...(deps.redis
      ? { redis: deps.redis, nameSpace: `${config.redisKeyPrefix}rate-limit:`, skipOnError: true }
      : {}),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Gapal API', version: '0.1.0', description: 'Orders and stock for a dairy distributor' },
      // Relative: the document describes the server that serves it.
      servers: [{ url: '/', description: 'This server' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // Emits the schemas registered with an id (the error shape) as components.
    transformObject: transformOpenApiObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', transformStaticCSP: relaxDocsCsp });

  // The route map, in one place.
  await app.register(healthRoutes(deps), { prefix: '/api' });
  await app.register(authRoutes(deps), { prefix: '/api/auth' });
  await app.register(usersRoutes(deps), { prefix: '/api/users' });
  await app.register(sitesRoutes(deps), { prefix: '/api/sites' });
  await app.register(devicesRoutes(deps), { prefix: '/api/devices' });
  await app.register(auditRoutes(deps), { prefix: '/api/audit' });
  await app.register(notificationsRoutes(deps), { prefix: '/api/notifications' });
  await app.register(realtimeRoutes(deps), { prefix: '/api/ws' });
  await app.register(categoriesRoutes(deps), { prefix: '/api/categories' });
  await app.register(productsRoutes(deps), { prefix: '/api/products' });
  await app.register(lotsRoutes(deps), { prefix: '/api/lots' });
  await app.register(stockRoutes(deps), { prefix: '/api/stock' });
  await app.register(ordersRoutes(deps), { prefix: '/api/orders' });
  await app.register(orderMoneyRoutes(deps), { prefix: '/api/orders' });
  await app.register(clientsRoutes(deps), { prefix: '/api/clients' });
  await app.register(reportsRoutes(deps), { prefix: '/api/reports' });
  await app.register(voiceNotesRoutes(deps), { prefix: '/api/voice-notes' });
  await app.register(syncRoutes(deps), { prefix: '/api' });

  // The built dashboard at `/`; unknown non-API paths get its index (see the not-found handler).
  // `preCompressed`: the build writes .br/.gz beside each asset (phones on 2G, apps/web/vite-vendor-sw.ts).
  if (hasWebApp) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, preCompressed: true });
  }
  return app;
}

function loggerOptions(config: Config) {
  const base = {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'body.password', 'body.refresh_token'],
  };
  return process.stdout.isTTY ? { ...base, transport: { target: 'pino-pretty' } } : base;
}
