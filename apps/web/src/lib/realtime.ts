import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/**
 * The seam for the realtime socket (issue 6). Whatever opens `/api/ws/` calls
 * `publishRealtimeEvent` with each message; screens never listen to the socket themselves,
 * they only declare which query keys an event makes stale.
 */
export type RealtimeEvent = { type: string; [key: string]: unknown };
type Listener = (event: RealtimeEvent) => void;

const listeners = new Set<Listener>();

export function publishRealtimeEvent(event: RealtimeEvent): void {
  for (const listener of listeners) listener(event);
}

export function onRealtimeEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A screen refetches at most this often however many events arrive (a phone syncing a day's orders). */
export const REALTIME_REFETCH_INTERVAL_MS = 1_000;

/**
 * Invalidates `keys` when an event whose type starts with one of `prefixes` arrives: at once
 * after a quiet spell, then at most once per REALTIME_REFETCH_INTERVAL_MS, the events between
 * two refetches making one. Each invalidation cancels the screen's fetch in flight and starts
 * another, so a burst (a hundred orders synced from a phone) would otherwise send a list and a
 * count request per event and show nothing until the burst ends.
 */
export function useRealtimeInvalidation(prefixes: readonly string[], keys: readonly QueryKey[]): void {
  const queryClient = useQueryClient();
  const prefixKey = prefixes.join('|');
  const keysKey = JSON.stringify(keys);
  useEffect(() => {
    const parsedKeys = JSON.parse(keysKey) as QueryKey[];
    const parsedPrefixes = prefixKey.split('|');
    let pending: ReturnType<typeof setTimeout> | null = null;
    let lastRefetch = Number.NEGATIVE_INFINITY;
    const refetch = () => {
      pending = null;
      lastRefetch = Date.now();
      for (const queryKey of parsedKeys) void queryClient.invalidateQueries({ queryKey });
    };
    const stop = onRealtimeEvent((event) => {
      if (pending || !parsedPrefixes.some((prefix) => event.type.startsWith(prefix))) return;
      pending = setTimeout(refetch, Math.max(0, lastRefetch + REALTIME_REFETCH_INTERVAL_MS - Date.now()));
    });
    return () => {
      stop();
      if (pending) clearTimeout(pending);
    };
  }, [queryClient, prefixKey, keysKey]);
}
