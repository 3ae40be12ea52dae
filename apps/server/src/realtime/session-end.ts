import type { WsCloseReason } from '@gapal/shared';

/**
 * Sessions that just ended, published after the commit that ended them (a write queues them with
 * `ctx.endSessionsAfterCommit`, domain/write-context.ts): every process closes the matching
 * sockets (within the bus's delivery time) and forgets the identities it kept
 * (features/auth/identity-cache.ts). A socket matches when it has every field given:
 * `{ deviceId }` is a revoked phone whoever uses it, `{ userId }` all of a user's sockets,
 * `{ userId, sessionId }` one login session.
 */
export type SessionEnd = {
  userId?: string;
  deviceId?: string;
  /** The refresh-token family, carried by access tokens as `sid`. */
  sessionId?: string;
  /**
   * The close code the sockets get: `account_disabled` and `device_revoked` make the client sign
   * out; `token_invalid` makes it refresh first (a role or site change: the new token joins the
   * new channels; a revoked session: the refresh fails and the client signs out).
   */
  reason: Extract<WsCloseReason, 'account_disabled' | 'device_revoked' | 'token_invalid'>;
};

export type SessionHolder = { userId: string; deviceId: string | null; sessionId: string | null };

export function endsSessionOf(end: SessionEnd, holder: SessionHolder): boolean {
  if (!end.userId && !end.deviceId && !end.sessionId) return false;
  return (
    (end.userId === undefined || end.userId === holder.userId) &&
    (end.deviceId === undefined || end.deviceId === holder.deviceId) &&
    (end.sessionId === undefined || end.sessionId === holder.sessionId)
  );
}
