import type { ServerMessage } from '@gapal/shared';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { SessionEnd } from './session-end.ts';

/** A message for the sockets that joined any of `channels` (each socket gets it once). */
export type RealtimeEvent = { channels: string[]; message: ServerMessage };

export type EventBus = {
  kind: 'memory' | 'redis';
  /** Hands the event to every process's subscribers. Never throws: a lost live event is refetched by REST. */
  publish(event: RealtimeEvent): Promise<void>;
  subscribe(handler: (event: RealtimeEvent) => void): () => void;
  /** Tells every process that sessions ended (session-end.ts). Never throws. */
  publishSessionEnd(end: SessionEnd): Promise<void>;
  onSessionEnd(handler: (end: SessionEnd) => void): () => void;
  close(): Promise<void>;
};

type Log = Pick<FastifyBaseLogger, 'warn' | 'error'>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's event bus (tests and benchmarks publish through it). */
    bus: EventBus;
  }
}

/** One process: subscribers run on a later tick, as they would with Redis, never inside the publisher. */
export function createMemoryBus(log: Log): EventBus {
  const handlers = new Set<(event: RealtimeEvent) => void>();
  const endHandlers = new Set<(end: SessionEnd) => void>();
  return {
    kind: 'memory',
    async publish(event) {
      setImmediate(() => deliver(handlers, event, log));
    },
    subscribe: (handler) => addTo(handlers, handler),
    async publishSessionEnd(end) {
      setImmediate(() => deliver(endHandlers, end, log));
    },
    onSessionEnd: (handler) => addTo(endHandlers, handler),
    async close() {
      handlers.clear();
      endHandlers.clear();
    },
  };
}

export const REDIS_CHANNEL = 'gapal:realtime';
/** Ended sessions travel on their own channel, beside the events': `${channel}:sessions`. */
const sessionsChannelOf = (channel: string) => `${channel}:sessions`;

/**
 * Several processes: every event goes through one Redis pub/sub channel and each process fans it
 * out to its own sockets. The publisher hears its own events back from Redis, so local delivery
 * takes the same path and happens exactly once. Fails the start-up when Redis can't be reached;
 * later disconnections are retried by ioredis, which re-subscribes by itself.
 */
export async function createRedisBus(url: string, log: Log, channel = REDIS_CHANNEL): Promise<EventBus> {
  // Publishing while Redis is away fails at once instead of queueing without bound.
  const publisher = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectionName: 'gapal-pub',
  });
  const subscriber = new Redis(url, { lazyConnect: true, connectionName: 'gapal-sub' });
  for (const client of [publisher, subscriber]) {
    client.on('error', (error: Error) => log.warn({ err: error.message }, 'redis connection error'));
  }
  const handlers = new Set<(event: RealtimeEvent) => void>();
  const endHandlers = new Set<(end: SessionEnd) => void>();
  const sessionsChannel = sessionsChannelOf(channel);
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(channel, sessionsChannel);
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw error;
  }
  subscriber.on('message', (from: string, payload: string) => {
    if (from !== channel && from !== sessionsChannel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      log.warn('unreadable realtime event from redis');
      return;
    }
    if (from === channel) deliver(handlers, parsed as RealtimeEvent, log);
    else deliver(endHandlers, parsed as SessionEnd, log);
  });
  const publishOn = async (to: string, message: unknown) => {
    try {
      await publisher.publish(to, JSON.stringify(message));
    } catch (error) {
      log.warn({ err: (error as Error).message, channel: to }, 'realtime event not published');
    }
  };
  return {
    kind: 'redis',
    publish: (event) => publishOn(channel, event),
    subscribe: (handler) => addTo(handlers, handler),
    publishSessionEnd: (end) => publishOn(sessionsChannel, end),
    onSessionEnd: (handler) => addTo(endHandlers, handler),
    async close() {
      handlers.clear();
      endHandlers.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

export async function createEventBus(redisUrl: string | undefined, log: Log): Promise<EventBus> {
  return redisUrl ? createRedisBus(redisUrl, log) : createMemoryBus(log);
}

function addTo<T>(handlers: Set<(value: T) => void>, handler: (value: T) => void): () => void {
  handlers.add(handler);
  return () => handlers.delete(handler);
}

function deliver<T>(handlers: Set<(value: T) => void>, event: T, log: Log): void {
  for (const handler of handlers) {
    try {
      handler(event);
    } catch (error) {
      log.error({ err: error }, 'realtime subscriber failed');
    }
  }
}
