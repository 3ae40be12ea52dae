import { useSyncExternalStore } from 'react';
import { createTokenClient, type EndReason, localStorageStore, type Session } from './token-client.ts';

export type { EndReason, Session } from './token-client.ts';

/**
 * The dashboard's session, kept by the shared token client in localStorage so every tab shares
 * it (another tab's sign-in, refresh or sign-out is followed).
 */
export const dashboardTokens = createTokenClient({
  store: localStorageStore('gapal.session', 'gapal.session-end'),
  lockName: 'gapal-token-refresh',
});

export function getSession(): Session | null {
  return dashboardTokens.get();
}

/** Re-reads the stored session: another tab may have rotated the tokens meanwhile. */
export function reloadSession(): Session | null {
  return dashboardTokens.reload();
}

export function setSession(session: Session): void {
  dashboardTokens.set(session);
}

export function clearSession(reason: EndReason): void {
  dashboardTokens.end(reason);
}

export function lastEndReason(): EndReason | null {
  return dashboardTokens.lastEndReason();
}

export function useSession(): Session | null {
  return useSyncExternalStore(dashboardTokens.subscribe, getSession);
}
