import {
  NotificationIdParamsSchema,
  NotificationListQuerySchema,
  NotificationPageSchema,
  NotificationSchema,
  ReadAllResultSchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { actorOf } from '../../http/auth.ts';
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
          summary: 'The caller’s notifications, unread first',
          querystring: NotificationListQuerySchema,
          response: { 200: NotificationPageSchema },
        },
      },
      async (request) => notificationsService.listNotifications(deps.db, actorOf(request), request.query),
    );
    app.post(
      '/read-all/',
      { config, schema: { tags, response: { 200: ReadAllResultSchema } } },
      async (request) => notificationsService.readAllNotifications(deps.db, deps.bus, actorOf(request)),
    );
    app.post(
      '/:id/read/',
      { config, schema: { tags, params: NotificationIdParamsSchema, response: { 200: NotificationSchema } } },
      async (request) =>
        notificationsService.readNotification(deps.db, deps.bus, actorOf(request), request.params.id),
    );
  };
}
