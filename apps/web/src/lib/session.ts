import { type Me, MeSchema } from '@gapal/shared';
import { useSyncExternalStore } from 'react';
import { z } from 'zod';

/** What a reload needs to stay signed in. Kept in localStorage so every tab shares it. */
export type Session = { accessToken: string; refreshToken: string; user: Me };

/** Why the last session ended, so the login screen can say it plainly. */
export type EndReason = 'logout' | 'expired' | 'account_disabled' | 'device_revoked' | 'refresh_token_reused';

const STORAGE_KEY = 'gapal.session';
const END_KEY = 'gapal.session-end';

const StoredSessionSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  user: MeSchema,
});

let current: Session | null = read();
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = StoredSessionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

// Another tab signed in, refreshed or signed out: follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    current = read();
    emit();
  });
}

export function getSession(): Session | null {
  return current;
}

/** Re-reads the stored session: another tab may have rotated the tokens meanwhile. */
export function reloadSession(): Session | null {
  current = read();
  return current;
}

export function setSession(session: Session): void {
  current = session;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  localStorage.removeItem(END_KEY);
  emit();
}

export function clearSession(reason: EndReason): void {
  current = null;
  localStorage.removeItem(STORAGE_KEY);
  localStorage.setItem(END_KEY, reason);
  emit();
}

export function lastEndReason(): EndReason | null {
  return (localStorage.getItem(END_KEY) as EndReason | null) ?? null;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession);
}
