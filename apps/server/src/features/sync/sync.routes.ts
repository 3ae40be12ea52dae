import compress from '@fastify/compress';
import {
  SyncPullQuerySchema,
  SyncPullResponseSchema,
  SyncPushInputSchema,
  SyncPushResponseSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { errorResponses } from '../../http/openapi.ts';
import { syncRateLimit } from '../../http/security.ts';
import { actorOf } from '../auth/request-auth.ts';
import { pullChanges } from './sync-pull.service.ts';
import { assertSchemaVersion, pushMutations } from './sync-push.service.ts';

/** Registered under `/api`: `/sync/push/`, its old name `/orders/sync/`, and `/sync/pull/`. */
export function syncRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // Only these routes: a first sync is one big answer over 2G, and phones may gzip their pushes.
    await app.register(compress, { global: true, threshold: 1024 });
    const tags = ['sync'];
    // Per device, not per IP: vendors on a mobile network share a few carrier-NAT addresses.
    const config = { access: 'sync.use', rateLimit: syncRateLimit(deps.config) } as const;

    const pushRoute = {
      config,
      // A client too old gets a clear 426 before its body is held against today's schema.
      preValidation: async (request: { body: unknown }) => {
        assertSchemaVersion((request.body as { schema_version?: unknown } | null)?.schema_version);
      },
      schema: {
        tags,
        body: SyncPushInputSchema,
        response: {
          200: SyncPushResponseSchema,
          ...errorResponses(400, 401, 403, 404, 413, 415, 426, 429, 503),
        },
      },
    };
    // One operation per path in the document: the old name stays for phones not yet updated.
    const pushOperations = {
      '/sync/push/': {
        operationId: 'pushSyncMutations',
        summary: 'Push offline mutations; each applied exactly once',
      },
      '/orders/sync/': {
        operationId: 'pushOrdersSync',
        summary: 'Push offline mutations (the first name of /api/sync/push/, same behaviour)',
      },
    };
    for (const url of ['/sync/push/', '/orders/sync/'] as const) {
      const pushOptions = { ...pushRoute, schema: { ...pushRoute.schema, ...pushOperations[url] } };
      app.post(url, pushOptions, async (request) => {
        const response = await pushMutations(deps, actorOf(request), request.body, request.log);
        for (const [index, result] of response.results.entries())
          deps.metrics.recordSyncMutation(request.body.mutations[index]!.name, result.status);
        return response;
      });
    }

    app.get(
      '/sync/pull/',
      {
        config,
        schema: {
          tags,
          operationId: 'pullSyncChanges',
          summary: 'Changes since an opaque cursor (a full snapshot without one)',
          querystring: SyncPullQuerySchema,
          response: { 200: SyncPullResponseSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
        },
      },
      async (request) => pullChanges(deps.db, actorOf(request), request.query),
    );
  };
}
