import {
  MovementListQuerySchema,
  MovementSchema,
  pageOf,
  StockAdjustmentInputSchema,
  StockEntryInputSchema,
  StockExitInputSchema,
  StockLossInputSchema,
  StockOperationResultSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses, jsonOrFile } from '../../http/openapi.ts';
import { todayIn } from '../../lib/dates.ts';
import { actorOf } from '../auth/request-auth.ts';
import * as stockService from './stock.service.ts';

export function stockRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['stock'];
    const write = { access: 'stock.write' } as const;
    const timeZone = deps.config.timeZone;
    const created = {
      201: StockOperationResultSchema,
      ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503),
    };

    app.post(
      '/entry/',
      {
        config: write,
        schema: {
          tags,
          operationId: 'recordStockEntry',
          summary: 'Goods received (entree)',
          body: StockEntryInputSchema,
          response: created,
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await runWrite(deps, actorOf(request), (ctx) => stockService.recordEntry(ctx, request.body), {
            name: 'stock.entry',
          }),
        ),
    );
    app.post(
      '/exit/',
      {
        config: write,
        schema: {
          tags,
          operationId: 'recordStockExit',
          summary: 'Manual exit (sortie), first-expired-first-out unless a lot is named',
          body: StockExitInputSchema,
          response: created,
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await runWrite(deps, actorOf(request), (ctx) => stockService.recordExit(ctx, request.body), {
            name: 'stock.exit',
          }),
        ),
    );
    app.post(
      '/adjustment/',
      {
        config: write,
        schema: {
          tags,
          operationId: 'recordStockAdjustment',
          summary: 'Inventory count (ajustement): counted quantity per lot',
          body: StockAdjustmentInputSchema,
          response: created,
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await runWrite(deps, actorOf(request), (ctx) => stockService.recordAdjustment(ctx, request.body), {
            name: 'stock.adjustment',
          }),
        ),
    );
    app.post(
      '/loss/',
      {
        config: write,
        schema: {
          tags,
          operationId: 'recordStockLoss',
          summary: 'Write-off (perte); a lot without a quantity is written off whole',
          body: StockLossInputSchema,
          response: created,
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await runWrite(deps, actorOf(request), (ctx) => stockService.recordLoss(ctx, request.body), {
            name: 'stock.loss',
          }),
        ),
    );
    app.get(
      '/movements/',
      {
        config: { access: 'stock.ledger.read' },
        schema: {
          tags,
          operationId: 'listStockMovements',
          summary: 'The ledger, newest first; format=csv streams the whole selection',
          querystring: MovementListQuerySchema,
          response: {
            200: jsonOrFile(pageOf(MovementSchema), 'csv'),
            ...errorResponses(400, 401, 403, 404, 503),
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        if (request.query.format === 'csv') {
          const stream = stockService.streamMovementsCsv(deps.db, actor, request.query, timeZone);
          return (
            reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', `attachment; filename="mouvements-${todayIn(timeZone)}.csv"`)
              // A stream is sent as is, never through the JSON serializer of the schema.
              .send(stream as never)
          );
        }
        return stockService.listMovements(deps.db, actor, request.query, timeZone);
      },
    );
  };
}
