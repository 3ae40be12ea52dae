import { z } from 'zod';
import { IdSchema, singleLineText } from './common.ts';
import { NotificationIdSchema, NotificationSchema } from './notifications.ts';
import { RoleSchema } from './roles.ts';

/**
 * The WebSocket at `/api/ws/`. The client opens it and sends `{ type: 'auth', token }` with its
 * access token as the first message (a token in the URL would end up in access logs); it sends
 * `auth` again with each refreshed token, before the old one expires. The server answers `ready`,
 * then pushes `notification` and `notifications_read` messages. A client that reconnects fetches
 * what it missed with `GET /api/notifications/`.
 */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: singleLineText().min(1).max(4096) }),
  /** Application-level keep-alive for clients that can't see protocol pings (browsers). */
  z.strictObject({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ReadyMessageSchema = z.object({
  type: z.literal('ready'),
  user_id: IdSchema,
  role: RoleSchema,
  site_id: IdSchema.nullable(),
  /** When the token expires: send a refreshed one before this or the socket closes with `token_expired`. */
  expires_at: z.string(),
});

export const NotificationMessageSchema = z.object({
  type: z.literal('notification'),
  notification: NotificationSchema,
});

/** The user read notifications on another device (or all of them): update the badge. */
export const NotificationsReadMessageSchema = z.object({
  type: z.literal('notifications_read'),
  ids: z.array(NotificationIdSchema),
  all: z.boolean(),
});

export const ServerMessageSchema = z.discriminatedUnion('type', [
  ReadyMessageSchema,
  NotificationMessageSchema,
  NotificationsReadMessageSchema,
  z.object({ type: z.literal('pong') }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/**
 * Why the server closed the socket; the close reason is the name. A client reconnects after
 * `going_away`, `heartbeat_timeout` and `slow_client`; after `token_*` it refreshes its token
 * first; after `account_disabled` or `device_revoked` it signs out.
 */
export const WS_CLOSE_CODES = {
  going_away: 1001,
  message_too_big: 1009,
  bad_message: 4400,
  token_invalid: 4401,
  token_expired: 4402,
  account_disabled: 4403,
  device_revoked: 4404,
  auth_timeout: 4408,
  heartbeat_timeout: 4410,
  slow_client: 4413,
  flood: 4429,
} as const;
export type WsCloseReason = keyof typeof WS_CLOSE_CODES;
