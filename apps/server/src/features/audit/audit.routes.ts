import { AuditEntrySchema, AuditQuerySchema, pageOf } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { errorResponses } from '../../http/openapi.ts';
import { listAudit } from './audit.repo.ts';

export function auditRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          operationId: 'listAuditEntries',
          summary: 'The audit trail, newest first: who did what, from which device, before and after',
          querystring: AuditQuerySchema,
          response: { 200: pageOf(AuditEntrySchema), ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => listAudit(deps.db, request.query, deps.config.timeZone),
    );
  };
}
