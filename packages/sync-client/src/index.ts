export {
  clientOrders,
  type DirectoryClient,
  directoryClient,
  overCreditLimit,
  recordNewClient,
  type StoredClient,
  searchClients,
} from './clients.ts';
export {
  type DexieDependencies,
  type OutboxEntry,
  openSyncDatabase,
  readMeta,
  type SyncDatabase,
} from './database.ts';
export { createSyncEngine, type SyncEngine, type SyncEngineOptions, type SyncState } from './engine.ts';
export { HISTORY_DAYS, pruneHistory } from './history-pruning.ts';
export { applyOutbox, dismissRejected, ordersView, readOutbox, recordMutation } from './local-writes.ts';
export { runExclusive } from './lock.ts';
export { type OrderWindow, orderView, recentOrdersWindow } from './order-window.ts';
export {
  isOrderEntry,
  type OrderOutboxEntry,
  OutboxEntrySchema,
  type OutboxStatus,
  parseOutboxEntry,
  parseStoredRows,
} from './outbox.ts';
export { claimForUser, UnsentOrdersError } from './owner.ts';
export {
  createHttpTransport,
  type HttpTransportOptions,
  MalformedAnswerError,
  SyncRequestError,
  type SyncTransport,
  TemporarySyncError,
  type VoiceNoteUpload,
  type VoiceNoteUploadOutcome,
} from './transport.ts';
export {
  ORPHAN_NOTE_MESSAGE,
  uploadVoiceNotes,
  type VoiceNoteQueueResult,
  voiceNoteRefusal,
} from './voice-note-uploads.ts';
export {
  orderVoiceNote,
  pendingVoiceNoteCount,
  putOrderVoiceNote,
  type RecordedVoiceNote,
  type StoredVoiceNote,
  StoredVoiceNoteSchema,
  type VoiceNoteState,
  VoiceNoteTooLargeError,
  voiceNotesFor,
} from './voice-notes.ts';
