import {
  DeviceSerialSchema,
  fieldIssueOf,
  LoginInputSchema,
  LogoutInputSchema,
  MeSchema,
  RefreshInputSchema,
  TokenPairSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../domain/errors.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses, NoContentSchema } from '../../http/openapi.ts';
import * as auth from './auth.service.ts';
import { createLoginLimiter } from './login-limiter.ts';
import { actorOf } from './request-auth.ts';

export function authRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const limiter = createLoginLimiter({
      maxFailures: deps.config.login.maxFailures,
      windowMs: deps.config.login.windowSeconds * 1000,
      redis: deps.redis,
      keyPrefix: deps.config.redisKeyPrefix,
      log: app.log,
    });
    app.post(
      '/login/',
      {
        config: {
          access: 'public',
          rateLimit: { max: deps.config.login.ipMaxPerMinute, timeWindow: 60_000 },
        },
        schema: {
          tags: ['auth'],
          operationId: 'login',
          summary: 'Sign in; registers the device when a serial is given',
          security: [],
          body: LoginInputSchema,
          response: { 200: TokenPairSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503) },
        },
      },
      async (request, reply) => {
        const serial = request.body.device_serial ?? deviceSerialHeader(request.headers['x-device-serial']);
        try {
          return await auth.login(
            deps,
            limiter,
            { ...request.body, device_serial: serial },
            sourceOf(request),
          );
        } catch (error) {
          // The locked account's wait, as the header every 429 carries.
          const wait = (error as AppError).details as { retry_after_seconds?: number } | undefined;
          if (error instanceof AppError && error.code === 'rate_limited' && wait?.retry_after_seconds) {
            reply.header('retry-after', String(wait.retry_after_seconds));
          }
          throw error;
        }
      },
    );

    app.post(
      '/refresh/',
      {
        config: { access: 'public', rateLimit: { max: 120, timeWindow: 60_000 } },
        schema: {
          tags: ['auth'],
          operationId: 'refreshTokens',
          summary: 'A new token pair for a refresh token (rotated: each one works once)',
          security: [],
          body: RefreshInputSchema,
          response: { 200: TokenPairSchema, ...errorResponses(400, 401, 413, 415, 429, 503) },
        },
      },
      async (request) => auth.refresh(deps, request.body.refresh_token, sourceOf(request)),
    );

    app.post(
      '/logout/',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          operationId: 'logout',
          summary: 'Sign out: revokes the refresh token’s session (without one, the device’s sessions)',
          body: LogoutInputSchema.optional(),
          response: { 204: NoContentSchema, ...errorResponses(400, 401, 413, 415, 503) },
        },
      },
      async (request, reply) => {
        await runWrite(deps, actorOf(request), (ctx) => auth.logout(ctx, request.body?.refresh_token), {
          name: 'auth.logout',
        });
        return reply.code(204).send();
      },
    );

    app.get(
      '/me/',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          operationId: 'getMe',
          summary: 'The signed-in user, their role, site and device',
          response: { 200: MeSchema, ...errorResponses(401, 503) },
        },
      },
      async (request) => auth.me(deps.db, actorOf(request)),
    );
  };
}

function deviceSerialHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = DeviceSerialSchema.safeParse(Array.isArray(value) ? value[0] : value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('validation_error', 'Numéro de série d’appareil invalide', {
      fields: [
        issue
          ? { field: 'x-device-serial', message: issue.message, ...fieldIssueOf(issue as never) }
          : { field: 'x-device-serial', message: 'invalide', code: 'custom' },
      ],
    });
  }
  return parsed.data;
}

export function sourceOf(request: { id: string; ip: string }) {
  return { requestId: request.id, ip: request.ip };
}
