import { ExpiringLotsQuerySchema, LotSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { errorResponses } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import { listExpiringLots } from './lots.service.ts';

export function lotsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/expiring/',
      {
        config: { access: 'stock.read' },
        schema: {
          tags: ['stock'],
          operationId: 'listExpiringLots',
          summary:
            'Lots with stock expiring within `days` (expired ones included unless include_expired=false)',
          querystring: ExpiringLotsQuerySchema,
          response: { 200: z.array(LotSchema), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => listExpiringLots(deps.db, actorOf(request), request.query, deps.config.timeZone),
    );
  };
}
