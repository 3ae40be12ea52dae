import { CategorySchema, CreateCategoryInputSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import * as categoriesService from './categories.service.ts';

export function categoriesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['catalog'];
    app.get(
      '/',
      {
        config: { access: 'catalog.read' },
        schema: {
          tags,
          operationId: 'listCategories',
          summary: 'Product categories',
          response: { 200: z.array(CategorySchema), ...errorResponses(401, 403, 503) },
        },
      },
      async () => categoriesService.listCategories(deps.db),
    );
    app.post(
      '/',
      {
        config: { access: 'catalog.write' },
        schema: {
          tags,
          operationId: 'createCategory',
          summary: 'Create a product category',
          body: CreateCategoryInputSchema,
          response: { 201: CategorySchema, ...errorResponses(400, 401, 403, 409, 413, 415, 503) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await runWrite(
            deps,
            actorOf(request),
            (ctx) => categoriesService.createCategory(ctx, request.body),
            {
              name: 'category.create',
            },
          ),
        ),
    );
  };
}
