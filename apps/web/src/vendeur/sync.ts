import { SYNC_MAX_BATCH } from '@gapal/shared';
import {
  createHttpTransport,
  createSyncEngine,
  openSyncDatabase,
  type SyncEngine,
  type SyncState,
} from '@gapal/sync-client';
import { Dexie, liveQuery } from 'dexie';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { getVendorSession, refreshAccessToken } from './session.ts';

// Dexie turns its debug mode on by itself on localhost and 127.0.0.1 (async stack traces for
// every table operation, about a tenth of a second on a slow phone's opening); the built app never
// wants it, wherever it is served from.
if (import.meta.env.PROD) Dexie.debug = false;

/** One local database per phone: the synced catalog and orders plus the outbox. */
export const db = openSyncDatabase('gapal-vendeur');

let engine: SyncEngine | null = null;
let engineDevice: string | null = null;

/** The engine for the signed-in phone; rebuilt if another vendor signs in on it. */
export function syncEngine(): SyncEngine | null {
  const session = getVendorSession();
  const deviceId = session?.user.device_id;
  if (!deviceId) return null;
  if (engine && engineDevice === deviceId) return engine;
  engine?.stop();
  engineDevice = deviceId;
  engine = createSyncEngine({
    db,
    deviceId,
    transport: createHttpTransport({
      baseUrl: '',
      getAccessToken: () => getVendorSession()?.accessToken,
      refreshAccessToken,
    }),
    intervalMs: 60_000,
    debounceMs: 500,
    // The server's maximum: a day of orders in a few round trips on 2G (300 ms each).
    batchSize: SYNC_MAX_BATCH,
  });
  return engine;
}

const idle: SyncState = {
  pending: null,
  lastSyncAt: null,
  syncing: false,
  error: null,
  rejected: [],
  retryAt: null,
};

export function useSyncState(): SyncState {
  const current = syncEngine();
  return useSyncExternalStore(
    (listener) => current?.subscribe(() => listener()) ?? (() => undefined),
    () => current?.getState() ?? idle,
  );
}

/**
 * A Dexie query that re-runs whenever what it read changes, and when one of `deps` changes (the
 * query is otherwise fixed for the component's life).
 */
export function useLive<T>(query: () => Promise<T>, deps: readonly unknown[] = []): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  const latest = useRef(query);
  latest.current = query;
  useEffect(() => {
    const subscription = liveQuery(() => latest.current()).subscribe({
      next: setValue,
      error: () => undefined,
    });
    return () => subscription.unsubscribe();
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what its query depends on
  }, deps);
  return value;
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    (listener) => {
      window.addEventListener('online', listener);
      window.addEventListener('offline', listener);
      return () => {
        window.removeEventListener('online', listener);
        window.removeEventListener('offline', listener);
      };
    },
    () => navigator.onLine,
  );
}
