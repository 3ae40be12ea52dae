import { DeviceListQuerySchema, DeviceSchema, IdParamsSchema, UpdateDeviceInputSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses } from '../../http/openapi.ts';
import { actorOf, forgetIdentitiesOnChange } from '../auth/request-auth.ts';
import * as devicesService from './devices.service.ts';

export function devicesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    forgetIdentitiesOnChange(app, deps.identities);
    const config = { access: 'devices.manage' } as const;
    const tags = ['devices'];
    app.get(
      '/',
      {
        config,
        schema: {
          tags,
          operationId: 'listDevices',
          summary: 'Registered devices (terminals), filtered by site, user or state',
          querystring: DeviceListQuerySchema,
          response: { 200: z.array(DeviceSchema), ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => devicesService.listDevices(deps.db, request.query),
    );
    app.put(
      '/:id/',
      {
        config,
        schema: {
          tags,
          operationId: 'updateDevice',
          summary: 'Rename a device or bind it to another site or user',
          params: IdParamsSchema,
          body: UpdateDeviceInputSchema,
          response: { 200: DeviceSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(
          deps,
          actorOf(request),
          (ctx) => devicesService.updateDevice(ctx, request.params.id, request.body),
          { name: 'device.update' },
        ),
    );
    app.post(
      '/:id/revoke/',
      {
        config,
        schema: {
          tags,
          operationId: 'revokeDevice',
          summary: 'Revoke a lost device: it can no longer sign in, push or pull',
          params: IdParamsSchema,
          response: { 200: DeviceSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => devicesService.revokeDevice(ctx, request.params.id), {
          name: 'device.revoke',
        }),
    );
  };
}
