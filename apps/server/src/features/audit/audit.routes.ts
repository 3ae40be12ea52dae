import { AuditEntrySchema, AuditQuerySchema, pageOf } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { listAudit } from './audit.repo.ts';

export function auditRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          querystring: AuditQuerySchema,
          response: { 200: pageOf(AuditEntrySchema) },
        },
      },
      async (request) => listAudit(deps.db, request.query, deps.config.timeZone),
    );
  };
}
