import {
  ApplyCreditInputSchema,
  CreditTargetsSchema,
  IdParamsSchema,
  OrderSchema,
  RefundInputSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import { applyCredit, listCreditTargets, refundPayment } from './order-money.service.ts';

/** An order's credit after a return: refunded or moved to another order of the client (order-money.service.ts). */
export function orderMoneyRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['orders'];
    const manage = { access: 'orders.manage' } as const;

    app.post(
      '/:id/refund/',
      {
        config: manage,
        schema: {
          tags,
          operationId: 'refundOrderPayment',
          summary:
            'Give back what was paid beyond what the order asks after its returns (at most its credit)',
          params: IdParamsSchema,
          body: RefundInputSchema,
          response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => refundPayment(ctx, request.params.id, request.body), {
          name: 'order.refund',
        }),
    );
    app.get(
      '/:id/credit-targets/',
      {
        config: manage,
        schema: {
          tags,
          operationId: 'listOrderCreditTargets',
          summary:
            'The client’s other open orders of the site that still owe: where this order’s credit may go',
          params: IdParamsSchema,
          response: {
            200: CreditTargetsSchema,
            ...errorResponses(400, 401, 403, 404, 503),
          },
        },
      },
      async (request) => ({
        items: await listCreditTargets(deps.db, actorOf(request), request.params.id),
      }),
    );
    app.post(
      '/:id/credit/',
      {
        config: manage,
        schema: {
          tags,
          operationId: 'applyOrderCredit',
          summary: 'Move the order’s credit to another open order of the same client (at most its balance)',
          params: IdParamsSchema,
          body: ApplyCreditInputSchema,
          response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => applyCredit(ctx, request.params.id, request.body), {
          name: 'order.credit',
        }),
    );
  };
}
