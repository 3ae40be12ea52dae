import { PublicSettingsSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses } from '../../http/openapi.ts';
import { pingDatabase } from './health.repo.ts';

export function healthRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health/',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          operationId: 'getHealth',
          summary: 'Liveness',
          security: [],
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/settings/',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          operationId: 'getSettings',
          summary: 'Business settings a client needs before signing in (currency, time zone)',
          security: [],
          response: { 200: PublicSettingsSchema },
        },
      },
      async () => ({
        currency: deps.config.currency,
        time_zone: deps.config.timeZone,
        business_name: deps.config.businessName,
      }),
    );
    app.get(
      '/ready/',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          operationId: 'getReadiness',
          summary: 'Readiness: database reachable and every migration applied',
          security: [],
          response: {
            200: z.object({ status: z.literal('ready'), database: z.string(), migrations: z.number().int() }),
            ...errorResponses(503),
          },
        },
      },
      async () => {
        try {
          await pingDatabase(deps.db);
        } catch {
          throw new AppError('service_unavailable', 'Base de données injoignable');
        }
        const state = await deps.database.migrationState();
        if (state.applied < state.expected) {
          throw new AppError('service_unavailable', 'Migrations en attente', state);
        }
        return { status: 'ready' as const, database: deps.database.kind, migrations: state.applied };
      },
    );
  };
}
