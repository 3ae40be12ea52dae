import {
  NotificationIdParamsSchema,
  NotificationListQuerySchema,
  NotificationPageSchema,
  NotificationSchema,
  ReadAllResultSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import * as notificationsService from './notifications.service.ts';

export function notificationsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const config = { access: 'notifications.read' } as const;
    const tags = ['notifications'];

    app.get(
      '/',
      {
        config,
        schema: {
          tags,
          operationId: 'listNotifications',
          summary: 'The caller’s notifications, unread first',
          querystring: NotificationListQuerySchema,
          response: { 200: NotificationPageSchema, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => notificationsService.listNotifications(deps.db, actorOf(request), request.query),
    );
    app.post(
      '/read-all/',
      {
        config,
        schema: {
          tags,
          operationId: 'markAllNotificationsRead',
          summary: 'Mark every notification of the caller read',
          response: { 200: ReadAllResultSchema, ...errorResponses(400, 401, 403, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(deps, actorOf(request), (ctx) => notificationsService.readAllNotifications(ctx), {
          name: 'notification.read_all',
        }),
    );
    app.post(
      '/:id/read/',
      {
        config,
        schema: {
          tags,
          operationId: 'markNotificationRead',
          summary: 'Mark one notification read',
          params: NotificationIdParamsSchema,
          response: { 200: NotificationSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
        },
      },
      async (request) =>
        runWrite(
          deps,
          actorOf(request),
          (ctx) => notificationsService.readNotification(ctx, request.params.id),
          {
            name: 'notification.read',
          },
        ),
    );
  };
}
