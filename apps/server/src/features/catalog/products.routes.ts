import {
  CreateProductInputSchema,
  IdParamsSchema,
  LotSchema,
  ProductListQuerySchema,
  ProductLotsQuerySchema,
  ProductSchema,
  ProductStockQuerySchema,
  pageOf,
  UpdateProductInputSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses, NoContentSchema } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import { listProductLots } from '../stock/lots.service.ts';
import * as productsService from './products.service.ts';

export function productsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['catalog'];
    const read = { access: 'catalog.read' } as const;
    const write = { access: 'catalog.write' } as const;
    const timeZone = deps.config.timeZone;

    app.get(
      '/',
      {
        config: read,
        schema: {
          tags,
          operationId: 'listProducts',
          summary: 'Products with their stock at your site; search, filter, sort, cursor pages',
          querystring: ProductListQuerySchema,
          response: { 200: pageOf(ProductSchema), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => productsService.listProducts(deps.db, actorOf(request), request.query, timeZone),
    );
    app.post(
      '/',
      {
        config: write,
        schema: {
          tags,
          operationId: 'createProduct',
          summary: 'Create a product',
          body: CreateProductInputSchema,
          response: { 201: ProductSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await runWrite(deps, actorOf(request), (ctx) => productsService.createProduct(ctx, request.body), {
            name: 'product.create',
          }),
        ),
    );
    app.get(
      '/low-stock/',
      {
        config: { access: 'stock.read' },
        schema: {
          tags,
          operationId: 'listLowStockProducts',
          summary: 'Active products under their alert threshold at your site',
          querystring: ProductStockQuerySchema,
          response: { 200: z.array(ProductSchema), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => productsService.listLowStock(deps.db, actorOf(request), request.query, timeZone),
    );
    app.get(
      '/:id/',
      {
        config: read,
        schema: {
          tags,
          operationId: 'getProduct',
          summary: 'One product with its stock at your site',
          params: IdParamsSchema,
          querystring: ProductStockQuerySchema,
          response: { 200: ProductSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) =>
        productsService.getProduct(deps.db, actorOf(request), request.params.id, request.query, timeZone),
    );
    app.put(
      '/:id/',
      {
        config: write,
        schema: {
          tags,
          operationId: 'updateProduct',
          summary: 'Change a product (its price applies to new orders only)',
          params: IdParamsSchema,
          body: UpdateProductInputSchema,
          response: { 200: ProductSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(
          deps,
          actorOf(request),
          (ctx) => productsService.updateProduct(ctx, request.params.id, request.body),
          { name: 'product.update' },
        ),
    );
    app.delete(
      '/:id/',
      {
        config: write,
        schema: {
          tags,
          operationId: 'deleteProduct',
          summary: 'Soft delete',
          params: IdParamsSchema,
          response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request, reply) => {
        await runWrite(
          deps,
          actorOf(request),
          (ctx) => productsService.deleteProduct(ctx, request.params.id),
          {
            name: 'product.delete',
          },
        );
        return reply.code(204).send();
      },
    );
    app.get(
      '/:id/lots/',
      {
        config: { access: 'stock.read' },
        schema: {
          tags: ['stock'],
          operationId: 'listProductLots',
          summary: 'Lots of a product at your site, first-expired-first-out',
          params: IdParamsSchema,
          querystring: ProductLotsQuerySchema,
          response: { 200: z.array(LotSchema), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) =>
        listProductLots(deps.db, actorOf(request), request.params.id, request.query, timeZone),
    );
  };
}
