export {
  type DexieDependencies,
  type OutboxEntry,
  openSyncDatabase,
  readMeta,
  type SyncDatabase,
} from './database.ts';
export { createSyncEngine, type SyncEngine, type SyncEngineOptions, type SyncState } from './engine.ts';
export { applyOutbox, dismissRejected, ordersView, recordMutation } from './local-writes.ts';
export { runExclusive } from './lock.ts';
export { claimForUser, UnsentOrdersError } from './owner.ts';
export {
  createHttpTransport,
  type HttpTransportOptions,
  SyncRequestError,
  type SyncTransport,
  TemporarySyncError,
} from './transport.ts';
