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
import { actorOf } from '../../http/auth.ts';
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
          summary: 'Products with their stock at your site; search, filter, sort, cursor pages',
          querystring: ProductListQuerySchema,
          response: { 200: pageOf(ProductSchema) },
        },
      },
      async (request) => productsService.listProducts(deps.db, actorOf(request), request.query, timeZone),
    );
    app.post(
      '/',
      { config: write, schema: { tags, body: CreateProductInputSchema, response: { 201: ProductSchema } } },
      async (request, reply) =>
        reply
          .code(201)
          .send(await productsService.createProduct(deps.db, actorOf(request), request.body, timeZone)),
    );
    app.get(
      '/low-stock/',
      {
        config: { access: 'stock.read' },
        schema: {
          tags,
          summary: 'Active products under their alert threshold at your site',
          querystring: ProductStockQuerySchema,
          response: { 200: z.array(ProductSchema) },
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
          params: IdParamsSchema,
          querystring: ProductStockQuerySchema,
          response: { 200: ProductSchema },
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
          params: IdParamsSchema,
          body: UpdateProductInputSchema,
          response: { 200: ProductSchema },
        },
      },
      async (request) =>
        productsService.updateProduct(deps.db, actorOf(request), request.params.id, request.body, timeZone),
    );
    app.delete(
      '/:id/',
      { config: write, schema: { tags, summary: 'Soft delete', params: IdParamsSchema } },
      async (request, reply) => {
        await productsService.deleteProduct(deps.db, actorOf(request), request.params.id);
        return reply.code(204).send();
      },
    );
    app.get(
      '/:id/lots/',
      {
        config: { access: 'stock.read' },
        schema: {
          tags: ['stock'],
          summary: 'Lots of a product at your site, first-expired-first-out',
          params: IdParamsSchema,
          querystring: ProductLotsQuerySchema,
          response: { 200: z.array(LotSchema) },
        },
      },
      async (request) =>
        listProductLots(deps.db, actorOf(request), request.params.id, request.query, timeZone),
    );
  };
}
