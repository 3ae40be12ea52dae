import { CreateSiteInputSchema, IdParamsSchema, SiteSchema, UpdateSiteInputSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import * as sitesService from './sites.service.ts';

export function sitesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['sites'];
    app.get(
      '/',
      {
        config: { access: 'sites.read' },
        schema: {
          tags,
          operationId: 'listSites',
          summary: 'Sites (boutiques, depots) the caller may see',
          response: { 200: z.array(SiteSchema), ...errorResponses(401, 403, 503) },
        },
      },
      async (request) => sitesService.listSites(deps.db, actorOf(request)),
    );
    app.post(
      '/',
      {
        config: { access: 'sites.manage' },
        schema: {
          tags,
          operationId: 'createSite',
          summary: 'Create a site',
          body: CreateSiteInputSchema,
          response: { 201: SiteSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 503) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(
          await runWrite(deps, actorOf(request), (ctx) => sitesService.createSite(ctx, request.body), {
            name: 'site.create',
          }),
        ),
    );
    app.get(
      '/:id/',
      {
        config: { access: 'sites.read' },
        schema: {
          tags,
          operationId: 'getSite',
          summary: 'One site',
          params: IdParamsSchema,
          response: { 200: SiteSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => sitesService.getSite(deps.db, actorOf(request), request.params.id),
    );
    app.put(
      '/:id/',
      {
        config: { access: 'sites.manage' },
        schema: {
          tags,
          operationId: 'updateSite',
          summary: 'Rename a site or change its details',
          params: IdParamsSchema,
          body: UpdateSiteInputSchema,
          response: { 200: SiteSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(
          deps,
          actorOf(request),
          (ctx) => sitesService.updateSite(ctx, request.params.id, request.body),
          {
            name: 'site.update',
          },
        ),
    );
  };
}
