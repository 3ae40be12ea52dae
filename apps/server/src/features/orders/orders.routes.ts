import {
  ChangeStatusInputSchema,
  CreateOrderInputSchema,
  IdParamsSchema,
  OrderCountSchema,
  OrderListFilterSchema,
  OrderListQuerySchema,
  OrderSchema,
  OrderSummarySchema,
  OrderVendorQuerySchema,
  OrderVendorSchema,
  PaymentInputSchema,
  pageOf,
  ReturnInputSchema,
  UpdateOrderInputSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import { createDeliveryQueue } from './order-delivery-queue.ts';
import { changeStatus, recordPayment, returnItems } from './order-lifecycle.service.ts';
import { countOrders, listOrdersJson, listOrderVendors } from './order-list.repo.ts';
import { createOrder, getOrder, updateOrderContent } from './orders.service.ts';

export function ordersRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['orders'];
    const timeZone = deps.config.timeZone;
    const read = { access: 'orders.read' } as const;
    const create = { access: 'orders.create' } as const;
    const manage = { access: 'orders.manage' } as const;
    const pay = { access: 'orders.payment' } as const;
    const deliveries = createDeliveryQueue(deps);
    app.addHook('onClose', () => deliveries.idle());

    app.get(
      '/',
      {
        config: read,
        schema: {
          tags,
          operationId: 'listOrders',
          summary: 'Orders, newest first: filters, sorts and cursor pages (your site unless admin)',
          querystring: OrderListQuerySchema,
          response: { 200: pageOf(OrderSummarySchema), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      // The page is JSON text already (see listOrdersJson): sent as it is, not serialized again.
      async (request, reply) =>
        reply
          .type('application/json; charset=utf-8')
          .send((await listOrdersJson(deps.db, actorOf(request), request.query, timeZone)) as never),
    );
    app.get(
      '/count/',
      {
        config: read,
        schema: {
          tags,
          operationId: 'countOrders',
          summary: 'Number of orders matching the list’s filters',
          querystring: OrderListFilterSchema,
          response: { 200: OrderCountSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => countOrders(deps.db, actorOf(request), request.query, timeZone),
    );
    app.get(
      '/vendors/',
      {
        config: manage,
        schema: {
          tags,
          operationId: 'listOrderVendors',
          summary: 'Vendors the list can be filtered by (created_by)',
          querystring: OrderVendorQuerySchema,
          response: { 200: z.array(OrderVendorSchema), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => listOrderVendors(deps.db, actorOf(request), request.query.site_id),
    );
    app.post(
      '/',
      {
        config: create,
        schema: {
          tags,
          operationId: 'createOrder',
          summary: 'Create (idempotent on local_id: 201 new, 200 existing)',
          body: CreateOrderInputSchema,
          response: {
            200: OrderSchema,
            201: OrderSchema,
            ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503),
          },
        },
      },
      async (request, reply) => {
        const { order, created } = await runWrite(
          deps,
          actorOf(request),
          (ctx) => createOrder(ctx, request.body),
          { name: 'order.create' },
        );
        return reply.code(created ? 201 : 200).send(order);
      },
    );
    app.get(
      '/:id/',
      {
        config: read,
        schema: {
          tags,
          operationId: 'getOrder',
          summary: 'One order with its items, payments and returns',
          params: IdParamsSchema,
          response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => getOrder(deps.db, actorOf(request), request.params.id),
    );
    app.put(
      '/:id/',
      {
        config: create,
        schema: {
          tags,
          operationId: 'updateOrder',
          summary: 'Edit a new order’s content (only while nouvelle; optimistic version)',
          params: IdParamsSchema,
          body: UpdateOrderInputSchema,
          response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => updateOrderContent(ctx, request.params.id, request.body), {
          name: 'order.update',
        }),
    );
    app.patch(
      '/:id/status/',
      {
        // Vendors may cancel their own new orders; every other move is checked in the service.
        config: create,
        schema: {
          tags,
          operationId: 'changeOrderStatus',
          summary: 'Move the delivery status (livree takes the stock, annulee cancels)',
          params: IdParamsSchema,
          body: ChangeStatusInputSchema,
          response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const { id } = request.params;
        // Deliveries arriving together share one transaction (order-delivery-queue.ts).
        if (request.body.status === 'livree') return deliveries.deliver({ actor, id, input: request.body });
        return runWrite(deps, actor, (ctx) => changeStatus(ctx, id, request.body), { name: 'order.status' });
      },
    );
    app.patch(
      '/:id/payment/',
      {
        config: pay,
        schema: {
          tags,
          operationId: 'recordOrderPayment',
          summary: 'Record a payment (cash or mobile money)',
          params: IdParamsSchema,
          body: PaymentInputSchema,
          response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => recordPayment(ctx, request.params.id, request.body), {
          name: 'order.payment',
        }),
    );
    app.post(
      '/:id/return/',
      {
        config: manage,
        schema: {
          tags,
          operationId: 'returnOrderItems',
          summary: 'Return delivered items to stock (lowers what the order asks for)',
          params: IdParamsSchema,
          body: ReturnInputSchema,
          response: { 200: OrderSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => returnItems(ctx, request.params.id, request.body), {
          name: 'order.return',
        }),
    );
  };
}
