import {
  ClientMessageSchema,
  type ErrorCode,
  roleHasPermission,
  type ServerMessage,
  WS_CLOSE_CODES,
  type WsCloseReason,
} from '@gapal/shared';
import type { FastifyBaseLogger } from 'fastify';
import { decodeJwt } from 'jose';
import type { RawData, WebSocket } from 'ws';
import type { Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';
import { type AuthDeps, type Identity, identifyToken } from '../features/auth/request-auth.ts';
import { memberChannels } from './channels.ts';
import type { Hub, HubClient } from './hub.ts';
import { endsSessionOf, type SessionEnd } from './session-end.ts';

export type ConnectionDeps = AuthDeps & {
  hub: Hub;
  settings: Config['realtime'];
  log: FastifyBaseLogger;
};

const AUTH_FAILURES: Partial<Record<ErrorCode, WsCloseReason>> = {
  token_expired: 'token_expired',
  account_disabled: 'account_disabled',
  device_revoked: 'device_revoked',
};

const FLOOD_WINDOW_MS = 10_000;

/**
 * One socket: waits for an `auth` message, then joins the user's channels. Client messages are
 * handled one at a time in arrival order (a re-auth can't race the previous one); at most
 * `maxMessagesPer10s` of them, so the queue stays short.
 */
export class RealtimeConnection implements HubClient {
  private identity: Identity | null = null;
  /** The login session (`sid`) of the token the socket authenticated with last. */
  private sessionId: string | null = null;
  /** Session ends heard while an `auth` message's identity was being read. */
  private endsWhileAuthenticating: SessionEnd[] | null = null;
  private closed = false;
  private isAlive = true;
  private queue: Promise<void> = Promise.resolve();
  private windowStart = Date.now();
  private messagesInWindow = 0;
  private authTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly deps: ConnectionDeps,
  ) {
    deps.hub.add(this);
    this.authTimer = setTimeout(() => this.close('auth_timeout'), deps.settings.authTimeoutSeconds * 1000);
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('pong', () => {
      this.isAlive = true;
    });
    socket.on('close', () => this.dispose());
  }

  /** Sends unless the client is too far behind: then it is closed instead, so memory stays bounded. */
  send(data: string): void {
    if (this.closed || !this.identity) return;
    if (this.socket.bufferedAmount + data.length > this.deps.settings.maxBufferedBytes) {
      this.close('slow_client');
      return;
    }
    this.socket.send(data);
  }

  /** Called every heartbeat period: a socket that didn't answer the previous ping is dead. */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.isAlive) {
      this.deps.log.debug({ userId: this.identity?.userId }, 'websocket heartbeat timeout');
      this.dispose();
      this.socket.terminate();
      return;
    }
    this.isAlive = false;
    this.socket.ping();
  }

  /** Closed when its user, device or session was just ended, on whichever process did it. */
  endSession(end: SessionEnd): void {
    if (this.closed) return;
    // An identity being read may predate the change: checked against it once it is known.
    this.endsWhileAuthenticating?.push(end);
    if (!this.identity) return;
    const holder = {
      userId: this.identity.userId,
      deviceId: this.identity.deviceId,
      sessionId: this.sessionId,
    };
    if (endsSessionOf(end, holder)) this.close(end.reason);
  }

  close(reason: WsCloseReason): void {
    if (this.closed) return;
    this.deps.log.debug({ userId: this.identity?.userId, reason }, 'websocket closed by server');
    this.dispose();
    this.socket.close(WS_CLOSE_CODES[reason], reason);
  }

  private dispose(): void {
    this.closed = true;
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
    this.deps.hub.remove(this);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    const now = Date.now();
    if (now - this.windowStart >= FLOOD_WINDOW_MS) {
      this.windowStart = now;
      this.messagesInWindow = 0;
    }
    this.messagesInWindow += 1;
    if (this.messagesInWindow > this.deps.settings.maxMessagesPer10s) {
      this.close('flood');
      return;
    }
    this.queue = this.queue
      .then(() => this.handle(data, isBinary))
      .catch((error: unknown) => {
        this.deps.log.error({ err: error }, 'websocket message failed');
        this.close('bad_message');
      });
  }

  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    const parsed = isBinary ? undefined : ClientMessageSchema.safeParse(parseJson(data.toString()));
    if (!parsed?.success) {
      this.close('bad_message');
      return;
    }
    const message = parsed.data;
    if (message.type === 'auth') return this.authenticate(message.token);
    if (!this.identity) {
      // Anything before `auth` is unexpected.
      this.close('bad_message');
      return;
    }
    this.sendMessage({ type: 'pong' });
  }

  private async authenticate(token: string): Promise<void> {
    let identity: Identity;
    const endsHeard: SessionEnd[] = [];
    this.endsWhileAuthenticating = endsHeard;
    try {
      identity = await identifyToken(this.deps, token);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.close(AUTH_FAILURES[error.code] ?? 'token_invalid');
      return;
    } finally {
      this.endsWhileAuthenticating = null;
    }
    if (this.closed) return;
    // A socket belongs to one user: a refreshed token must be that user's.
    if (this.identity && this.identity.userId !== identity.userId) {
      this.close('token_invalid');
      return;
    }
    if (!roleHasPermission(identity.role, 'notifications.read')) {
      this.close('token_invalid');
      return;
    }
    const claims = decodeJwt(token);
    const sessionId = typeof claims.sid === 'string' ? claims.sid : null;
    const holder = { userId: identity.userId, deviceId: identity.deviceId, sessionId };
    const ended = endsHeard.find((end) => endsSessionOf(end, holder));
    if (ended) {
      this.close(ended.reason);
      return;
    }
    const expiresAt = (claims.exp ?? 0) * 1000;
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => this.close('token_expired'), Math.max(0, expiresAt - Date.now()));
    this.identity = identity;
    this.sessionId = sessionId;
    this.deps.hub.join(this, memberChannels(identity));
    this.sendMessage({
      type: 'ready',
      user_id: identity.userId,
      role: identity.role,
      site_id: identity.siteId,
      expires_at: new Date(expiresAt).toISOString(),
    });
  }

  private sendMessage(message: ServerMessage): void {
    this.send(JSON.stringify(message));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
