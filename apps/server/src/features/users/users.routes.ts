import {
  CreateUserInputSchema,
  IdParamsSchema,
  ResetPasswordInputSchema,
  UpdateUserInputSchema,
  UserListQuerySchema,
  UserSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { actorOf, forgetIdentitiesOnChange } from '../../http/auth.ts';
import * as usersService from './users.service.ts';

export function usersRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    forgetIdentitiesOnChange(app, deps.identities);
    const config = { access: 'users.manage' } as const;
    const tags = ['users'];

    app.get(
      '/',
      { config, schema: { tags, querystring: UserListQuerySchema, response: { 200: z.array(UserSchema) } } },
      async (request) => usersService.listUsers(deps.db, request.query),
    );
    app.post(
      '/',
      { config, schema: { tags, body: CreateUserInputSchema, response: { 201: UserSchema } } },
      async (request, reply) =>
        reply.code(201).send(await usersService.createUser(deps.db, actorOf(request), request.body)),
    );
    app.get(
      '/:id/',
      { config, schema: { tags, params: IdParamsSchema, response: { 200: UserSchema } } },
      async (request) => usersService.getUser(deps.db, request.params.id),
    );
    app.put(
      '/:id/',
      {
        config,
        schema: { tags, params: IdParamsSchema, body: UpdateUserInputSchema, response: { 200: UserSchema } },
      },
      async (request) => usersService.updateUser(deps.db, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/:id/',
      {
        config,
        schema: {
          tags,
          summary: 'Deactivate (never deletes)',
          params: IdParamsSchema,
          response: { 200: UserSchema },
        },
      },
      async (request) =>
        usersService.updateUser(deps.db, actorOf(request), request.params.id, { is_active: false }),
    );
    app.post(
      '/:id/reset-password/',
      { config, schema: { tags, params: IdParamsSchema, body: ResetPasswordInputSchema } },
      async (request, reply) => {
        await usersService.resetPassword(deps.db, actorOf(request), request.params.id, request.body.password);
        return reply.code(204).send();
      },
    );
  };
}
