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

/** Invalidates `keys` whenever an event whose type starts with one of `prefixes` arrives. */
export function useRealtimeInvalidation(prefixes: readonly string[], keys: readonly QueryKey[]): void {
  const queryClient = useQueryClient();
  const prefixKey = prefixes.join('|');
  const keysKey = JSON.stringify(keys);
  useEffect(() => {
    const parsedKeys = JSON.parse(keysKey) as QueryKey[];
    const parsedPrefixes = prefixKey.split('|');
    return onRealtimeEvent((event) => {
      if (!parsedPrefixes.some((prefix) => event.type.startsWith(prefix))) return;
      for (const queryKey of parsedKeys) void queryClient.invalidateQueries({ queryKey });
    });
  }, [queryClient, prefixKey, keysKey]);
}
