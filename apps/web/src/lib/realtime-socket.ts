import { ServerMessageSchema, WS_CLOSE_CODES } from '@gapal/shared';
import { useEffect } from 'react';
import { apiRequest } from './api-client.ts';
import { publishRealtimeEvent } from './realtime.ts';
import { clearSession, getSession, useSession } from './session.ts';

const CLOSE_REASONS = Object.fromEntries(Object.entries(WS_CLOSE_CODES).map(([name, code]) => [code, name]));
const PING_MS = 25_000;

let activeSocket: WebSocket | null = null;

/**
 * Keeps one socket to `/api/ws/` open while signed in, re-authenticates it when the tokens
 * rotate, reconnects with jittered backoff, and hands every message to the realtime seam.
 * Once authenticated it publishes `reconnected` so screens refetch what they may have missed.
 */
export function useRealtimeConnection(): void {
  const session = useSession();
  const userId = session?.user.id;
  const accessToken = session?.accessToken;

  useEffect(() => {
    if (!userId) return;
    let socket: WebSocket | null = null;
    let attempt = 0;
    let stopped = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let pingTimer: ReturnType<typeof setInterval> | undefined;

    const connect = () => {
      const token = getSession()?.accessToken;
      if (stopped || !token) return;
      const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api/ws/`;
      const current = new WebSocket(url);
      socket = current;
      activeSocket = current;
      current.onopen = () =>
        current.send(JSON.stringify({ type: 'auth', token: getSession()?.accessToken ?? token }));
      current.onmessage = (message) => {
        const parsed = ServerMessageSchema.safeParse(JSON.parse(String(message.data)));
        if (!parsed.success) return;
        const data = parsed.data;
        if (data.type === 'ready') {
          // Whatever happened between the screen's last fetch and this moment was not pushed:
          // screens refetch on `reconnected`, on the first connection as after a drop.
          publishRealtimeEvent({ type: 'reconnected' });
          attempt = 0;
          clearInterval(pingTimer);
          pingTimer = setInterval(() => current.send(JSON.stringify({ type: 'ping' })), PING_MS);
        } else if (data.type === 'notification') {
          publishRealtimeEvent({
            type: `notification:${data.notification.kind}`,
            notification: data.notification,
          });
        } else if (data.type === 'notifications_read') {
          publishRealtimeEvent({ type: 'notifications_read', ids: data.ids, all: data.all });
        }
      };
      current.onclose = (event) => {
        clearInterval(pingTimer);
        if (stopped || socket !== current) return;
        const reason = CLOSE_REASONS[event.code];
        if (reason === 'account_disabled' || reason === 'device_revoked') {
          clearSession(reason);
          return;
        }
        attempt += 1;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
        retryTimer = setTimeout(async () => {
          // An expired token: any API call refreshes it (once, serialized) before reconnecting.
          if (reason === 'token_expired' || reason === 'token_invalid') {
            await apiRequest('/api/auth/me/').catch(() => undefined);
          }
          connect();
        }, delay);
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      if (activeSocket === socket) activeSocket = null;
      socket?.close(1000, 'bye');
    };
  }, [userId]);

  // The refreshed token goes to the open socket before the old one expires.
  useEffect(() => {
    if (!accessToken || activeSocket?.readyState !== WebSocket.OPEN) return;
    activeSocket.send(JSON.stringify({ type: 'auth', token: accessToken }));
  }, [accessToken]);
}
