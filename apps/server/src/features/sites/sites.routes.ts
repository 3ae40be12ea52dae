import { CreateSiteInputSchema, IdParamsSchema, SiteSchema, UpdateSiteInputSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { actorOf } from '../../http/auth.ts';
import * as sitesService from './sites.service.ts';

export function sitesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['sites'];
    app.get(
      '/',
      { config: { access: 'sites.read' }, schema: { tags, response: { 200: z.array(SiteSchema) } } },
      async (request) => sitesService.listSites(deps.db, actorOf(request)),
    );
    app.post(
      '/',
      {
        config: { access: 'sites.manage' },
        schema: { tags, body: CreateSiteInputSchema, response: { 201: SiteSchema } },
      },
      async (request, reply) =>
        reply.code(201).send(await sitesService.createSite(deps.db, actorOf(request), request.body)),
    );
    app.get(
      '/:id/',
      {
        config: { access: 'sites.read' },
        schema: { tags, params: IdParamsSchema, response: { 200: SiteSchema } },
      },
      async (request) => sitesService.getSite(deps.db, actorOf(request), request.params.id),
    );
    app.put(
      '/:id/',
      {
        config: { access: 'sites.manage' },
        schema: { tags, params: IdParamsSchema, body: UpdateSiteInputSchema, response: { 200: SiteSchema } },
      },
      async (request) => sitesService.updateSite(deps.db, actorOf(request), request.params.id, request.body),
    );
  };
}
