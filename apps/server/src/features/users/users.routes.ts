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
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses, NoContentSchema } from '../../http/openapi.ts';
import { actorOf, forgetIdentitiesOnChange } from '../auth/request-auth.ts';
import * as usersService from './users.service.ts';

export function usersRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    forgetIdentitiesOnChange(app, deps.identities);
    const config = { access: 'users.manage' } as const;
    const tags = ['users'];

    app.get(
      '/',
      {
        config,
        schema: {
          tags,
          operationId: 'listUsers',
          summary: 'Users, filtered by role, site or active flag',
          querystring: UserListQuerySchema,
          response: { 200: z.array(UserSchema), ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => usersService.listUsers(deps.db, request.query),
    );
    app.post(
      '/',
      {
        config,
        schema: {
          tags,
          operationId: 'createUser',
          summary: 'Create a user with a role and a site',
          body: CreateUserInputSchema,
          response: { 201: UserSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request, reply) => {
        const prepared = await usersService.prepareUser(deps.db, request.body, deps.config.passwordHashing);
        const user = await runWrite(
          deps,
          actorOf(request),
          (ctx) => usersService.createUser(ctx, request.body, prepared),
          { name: 'user.create' },
        );
        return reply.code(201).send(user);
      },
    );
    app.get(
      '/:id/',
      {
        config,
        schema: {
          tags,
          operationId: 'getUser',
          summary: 'One user',
          params: IdParamsSchema,
          response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => usersService.getUser(deps.db, request.params.id),
    );
    app.put(
      '/:id/',
      {
        config,
        schema: {
          tags,
          operationId: 'updateUser',
          summary: 'Change a user’s name, role, site or active flag',
          params: IdParamsSchema,
          body: UpdateUserInputSchema,
          response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(
          deps,
          actorOf(request),
          (ctx) => usersService.updateUser(ctx, request.params.id, request.body),
          {
            name: 'user.update',
          },
        ),
    );
    app.delete(
      '/:id/',
      {
        config,
        schema: {
          tags,
          operationId: 'deactivateUser',
          summary: 'Deactivate (never deletes)',
          params: IdParamsSchema,
          response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(
          deps,
          actorOf(request),
          (ctx) => usersService.updateUser(ctx, request.params.id, { is_active: false }),
          { name: 'user.deactivate' },
        ),
    );
    app.post(
      '/:id/reset-password/',
      {
        config,
        schema: {
          tags,
          operationId: 'resetUserPassword',
          summary: 'Set a new password (ends the user’s sessions)',
          params: IdParamsSchema,
          body: ResetPasswordInputSchema,
          response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
        },
      },
      async (request, reply) => {
        const prepared = await usersService.preparePassword(
          request.body.password,
          deps.config.passwordHashing,
        );
        await runWrite(
          deps,
          actorOf(request),
          (ctx) => usersService.resetPassword(ctx, request.params.id, prepared),
          { name: 'user.reset_password' },
        );
        return reply.code(204).send();
      },
    );
  };
}
