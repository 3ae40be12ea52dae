import websocket from '@fastify/websocket';
import { WS_CLOSE_CODES } from '@gapal/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { RealtimeConnection } from './connection.ts';
import { Hub } from './hub.ts';

/** Client messages are small (`auth` with a token, `ping`); anything larger is closed with 1009. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/**
 * `GET /api/ws/`: the live channel. The route is public for the HTTP layer because a browser
 * can't set an Authorization header on a WebSocket; the socket authenticates with its first
 * message instead (connection.ts) and is closed if it doesn't within the auth timeout.
 */
export function realtimeRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    const hub = new Hub();
    const untrackSockets = deps.metrics.trackWebSockets(() => hub.size);
    await app.register(websocket, {
      options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES },
      // Tell every client to reconnect (to another process); don't wait for slow handshakes.
      preClose(done) {
        for (const socket of app.websocketServer.clients)
          socket.close(WS_CLOSE_CODES.going_away, 'going_away');
        app.websocketServer.close();
        done();
      },
    });

    const unsubscribe = deps.bus.subscribe((event) => hub.deliver(event));
    const stopEndingSessions = deps.bus.onSessionEnd((end) => hub.endSessions(end));
    const heartbeat = setInterval(() => hub.heartbeat(), deps.config.realtime.heartbeatSeconds * 1000);
    heartbeat.unref();
    app.addHook('onClose', async () => {
      clearInterval(heartbeat);
      unsubscribe();
      stopEndingSessions();
      untrackSockets();
    });

    app.get(
      '/',
      { websocket: true, config: { access: 'public' }, schema: { hide: true } },
      (socket, request) => {
        new RealtimeConnection(socket, {
          db: deps.db,
          signer: deps.signer,
          identities: deps.identities,
          hub,
          settings: deps.config.realtime,
          log: request.log,
        });
      },
    );
  };
}
