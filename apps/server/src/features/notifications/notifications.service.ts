import type { Notification, NotificationListQuery, NotificationPage } from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { userChannel } from '../../realtime/channels.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as repo from './notifications.repo.ts';

export async function listNotifications(
  db: Db,
  actor: Actor,
  query: NotificationListQuery,
): Promise<NotificationPage> {
  const [page, unreadCount] = await Promise.all([
    repo.listVisible(db, actor, query),
    repo.countUnread(db, actor),
  ]);
  return { ...page, unread_count: unreadCount };
}

/**
 * Marks one notification read for the caller only (others holding the same role keep theirs
 * unread). One the caller can't see is a 404. The caller's other devices hear of it live.
 */
export async function readNotification(ctx: WriteContext, id: string): Promise<Notification> {
  const { tx, actor } = ctx;
  const notificationId = Number(id);
  const row = await repo.findVisible(tx, actor, notificationId);
  if (!row) throw notFound('Notification');
  const { readAt, isNew } = await repo.markRead(tx, actor.userId, notificationId);
  if (isNew) {
    await recordAudit(ctx, {
      action: 'notification.read',
      entity: 'notification',
      entityId: id,
      siteId: row.siteId,
    });
    ctx.publishAfterCommit({
      channels: [userChannel(actor.userId)],
      message: { type: 'notifications_read', ids: [id], all: false },
    });
  }
  return repo.toNotificationDto(row, readAt);
}

export async function readAllNotifications(ctx: WriteContext): Promise<{ marked: number }> {
  const { tx, actor } = ctx;
  const marked = await repo.markAllRead(tx, actor);
  if (marked > 0) {
    await recordAudit(ctx, {
      action: 'notification.read_all',
      entity: 'notification',
      siteId: actor.siteId,
      after: { marked },
    });
    ctx.publishAfterCommit({
      channels: [userChannel(actor.userId)],
      message: { type: 'notifications_read', ids: [], all: true },
    });
  }
  return { marked };
}
