import { DeviceListQuerySchema, DeviceSchema, IdParamsSchema, UpdateDeviceInputSchema } from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { actorOf, forgetIdentitiesOnChange } from '../../http/auth.ts';
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
        schema: { tags, querystring: DeviceListQuerySchema, response: { 200: z.array(DeviceSchema) } },
      },
      async (request) => devicesService.listDevices(deps.db, request.query),
    );
    app.put(
      '/:id/',
      {
        config,
        schema: {
          tags,
          params: IdParamsSchema,
          body: UpdateDeviceInputSchema,
          response: { 200: DeviceSchema },
        },
      },
      async (request) =>
        devicesService.updateDevice(deps.db, actorOf(request), request.params.id, request.body),
    );
    app.post(
      '/:id/revoke/',
      { config, schema: { tags, params: IdParamsSchema, response: { 200: DeviceSchema } } },
      async (request) => devicesService.revokeDevice(deps.db, actorOf(request), request.params.id),
    );
  };
}
