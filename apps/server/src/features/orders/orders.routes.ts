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
import { actorOf } from '../../http/auth.ts';
import { createOutbox, publishOutbox } from '../notifications/outbox.ts';
import { createDeliveryQueue } from './order-delivery-queue.ts';
import { changeStatus, recordPayment, returnItems } from './order-lifecycle.service.ts';
import { countOrders, listOrdersJson, listOrderVendors } from './order-list.service.ts';
import { createOrder, getOrder, updateOrderContent } from './orders.service.ts';

export function ordersRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['orders'];
    const timeZone = deps.config.timeZone;
    const read = { access: 'orders.read' } as const;
    const create = { access: 'orders.create' } as const;
    const manage = { access: 'orders.manage' } as const;
    const pay = { access: 'orders.payment' } as const;
    const deliveries = createDeliveryQueue(deps.database, deps.bus);
    app.addHook('onClose', () => deliveries.idle());

    app.get(
      '/',
      {
        config: read,
        schema: { tags, querystring: OrderListQuerySchema, response: { 200: pageOf(OrderSummarySchema) } },
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
        schema: { tags, querystring: OrderListFilterSchema, response: { 200: OrderCountSchema } },
      },
      async (request) => countOrders(deps.db, actorOf(request), request.query, timeZone),
    );
    app.get(
      '/vendors/',
      {
        config: manage,
        schema: {
          tags,
          summary: 'Vendors the list can be filtered by (created_by)',
          querystring: OrderVendorQuerySchema,
          response: { 200: z.array(OrderVendorSchema) },
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
          summary: 'Create (idempotent on local_id: 201 new, 200 existing)',
          body: CreateOrderInputSchema,
          response: { 200: OrderSchema, 201: OrderSchema },
        },
      },
      async (request, reply) => {
        const outbox = createOutbox();
        const { order, created } = await createOrder(
          deps.db,
          actorOf(request),
          request.body,
          timeZone,
          outbox,
        );
        await publishOutbox(deps.db, deps.bus, outbox);
        return reply.code(created ? 201 : 200).send(order);
      },
    );
    app.get(
      '/:id/',
      { config: read, schema: { tags, params: IdParamsSchema, response: { 200: OrderSchema } } },
      async (request) => getOrder(deps.db, actorOf(request), request.params.id),
    );
    app.put(
      '/:id/',
      {
        config: create,
        schema: {
          tags,
          params: IdParamsSchema,
          body: UpdateOrderInputSchema,
          response: { 200: OrderSchema },
        },
      },
      async (request) =>
        updateOrderContent(deps.db, actorOf(request), request.params.id, request.body, timeZone),
    );
    app.patch(
      '/:id/status/',
      {
        // Vendors may cancel their own new orders; every other move is checked in the service.
        config: create,
        schema: {
          tags,
          params: IdParamsSchema,
          body: ChangeStatusInputSchema,
          response: { 200: OrderSchema },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const { id } = request.params;
        // Deliveries arriving together share one transaction (order-delivery-queue.ts).
        if (request.body.status === 'livree') return deliveries.deliver({ actor, id, input: request.body });
        const outbox = createOutbox();
        const order = await changeStatus(deps.db, actor, id, request.body, outbox);
        await publishOutbox(deps.db, deps.bus, outbox);
        return order;
      },
    );
    app.patch(
      '/:id/payment/',
      {
        config: pay,
        schema: { tags, params: IdParamsSchema, body: PaymentInputSchema, response: { 200: OrderSchema } },
      },
      async (request) => {
        const outbox = createOutbox();
        const order = await recordPayment(deps.db, actorOf(request), request.params.id, request.body, outbox);
        await publishOutbox(deps.db, deps.bus, outbox);
        return order;
      },
    );
    app.post(
      '/:id/return/',
      {
        config: manage,
        schema: { tags, params: IdParamsSchema, body: ReturnInputSchema, response: { 200: OrderSchema } },
      },
      async (request) => returnItems(deps.db, actorOf(request), request.params.id, request.body),
    );
  };
}
