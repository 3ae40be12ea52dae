import type { TokenSigner } from './auth/tokens.ts';
import type { Config } from './config.ts';
import type { Database, Db } from './db/client.ts';
import type { EventBus } from './realtime/bus.ts';

/** What features need from the outside world; built once in `buildApp`, no container. */
export type AppDeps = {
  config: Config;
  database: Database;
  db: Db;
  signer: TokenSigner;
  /** Live events to the sockets of every process; publish through features/notifications/outbox.ts. */
  bus: EventBus;
};
