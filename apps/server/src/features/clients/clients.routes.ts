import {
  ClientDetailSchema,
  ClientListQuerySchema,
  ClientPageSchema,
  ClientSchema,
  ClientStatementQuerySchema,
  ClientStatementSchema,
  CreateClientInputSchema,
  DeactivateClientInputSchema,
  IdParamsSchema,
  MergeClientsInputSchema,
  UpdateClientInputSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses, jsonOrFile } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import { reportContext } from '../reports/report-context.ts';
import { mergeClients } from './client-merge.service.ts';
import { clientStatement } from './client-statement.service.ts';
import { createClient, deactivateClient, getClient, listClients, updateClient } from './clients.service.ts';

/** The client directory (issue #27); routes and shapes in packages/shared/src/clients.ts. */
export function clientsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['clients'];
    const writeErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 503);

    app.get(
      '/',
      {
        config: { access: 'clients.read' },
        schema: {
          tags,
          operationId: 'listClients',
          summary:
            'The site’s clients with what they owe and their last order; search, filters, cursor pages',
          querystring: ClientListQuerySchema,
          response: { 200: ClientPageSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => listClients(deps.db, actorOf(request), request.query),
    );
    app.post(
      '/',
      {
        config: { access: 'clients.create' },
        schema: {
          tags,
          operationId: 'createClient',
          summary: 'Add a client (idempotent on a phone-made id: 201 new, 200 existing)',
          body: CreateClientInputSchema,
          response: { 200: ClientSchema, 201: ClientSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const { client, created } = await runWrite(
          deps,
          actorOf(request),
          (ctx) => createClient(ctx, request.body),
          { name: 'client.create' },
        );
        return reply.code(created ? 201 : 200).send(client);
      },
    );
    app.post(
      '/merge/',
      {
        config: { access: 'clients.merge' },
        schema: {
          tags,
          operationId: 'mergeClients',
          summary: 'Merge a duplicate into the client kept: its orders and payments move (admin)',
          body: MergeClientsInputSchema,
          response: { 200: ClientSchema, ...writeErrors },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => mergeClients(ctx, request.body), { name: 'client.merge' }),
    );
    app.get(
      '/:id/',
      {
        config: { access: 'clients.read' },
        schema: {
          tags,
          operationId: 'getClient',
          summary: 'One client: what they owe, their latest orders and payments',
          params: IdParamsSchema,
          response: { 200: ClientDetailSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => getClient(deps.db, actorOf(request), request.params.id),
    );
    app.put(
      '/:id/',
      {
        config: { access: 'clients.write' },
        schema: {
          tags,
          operationId: 'updateClient',
          summary: 'Change a client’s details (refused with 409 when `version` is stale)',
          params: IdParamsSchema,
          body: UpdateClientInputSchema,
          response: { 200: ClientSchema, ...writeErrors },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => updateClient(ctx, request.params.id, request.body), {
          name: 'client.update',
        }),
    );
    app.post(
      '/:id/deactivate/',
      {
        config: { access: 'clients.write' },
        schema: {
          tags,
          operationId: 'deactivateClient',
          summary: 'Deactivate a client: out of the lists and the phones, orders kept',
          params: IdParamsSchema,
          body: DeactivateClientInputSchema,
          response: { 200: ClientSchema, ...writeErrors },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => deactivateClient(ctx, request.params.id, request.body), {
          name: 'client.deactivate',
        }),
    );
    app.get(
      '/:id/statement/',
      {
        config: { access: 'reports.read' },
        schema: {
          tags,
          operationId: 'getClientStatement',
          summary: 'Statement of account (relevé de compte) for a period: PDF, CSV or JSON',
          description:
            'Opening balance, the orders taken (debit) and payments received (credit) with the running balance, closing balance. Period `from`/`to` in the business time zone (default the last 30 days, at most 366).',
          params: IdParamsSchema,
          querystring: ClientStatementQuerySchema,
          response: {
            200: jsonOrFile(ClientStatementSchema, 'pdf', 'csv'),
            ...errorResponses(400, 401, 403, 404, 503),
          },
        },
      },
      async (request, reply) => {
        const result = await clientStatement(
          deps.db,
          actorOf(request),
          request.params.id,
          request.query,
          reportContext(deps.config),
        );
        if ('json' in result) return result.json;
        const { stream, contentType, filename } = result.file;
        return reply
          .type(contentType)
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'no-store')
          .send(stream as never);
      },
    );
  };
}
