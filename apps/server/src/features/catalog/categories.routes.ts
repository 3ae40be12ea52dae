import { CategorySchema, CreateCategoryInputSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { actorOf } from '../../http/auth.ts';
import * as categoriesService from './categories.service.ts';

export function categoriesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['catalog'];
    app.get(
      '/',
      { config: { access: 'catalog.read' }, schema: { tags, response: { 200: z.array(CategorySchema) } } },
      async () => categoriesService.listCategories(deps.db),
    );
    app.post(
      '/',
      {
        config: { access: 'catalog.write' },
        schema: { tags, body: CreateCategoryInputSchema, response: { 201: CategorySchema } },
      },
      async (request, reply) =>
        reply.code(201).send(await categoriesService.createCategory(deps.db, actorOf(request), request.body)),
    );
  };
}
