import { type Me, TokenPairSchema } from '@gapal/shared';
import { useSyncExternalStore } from 'react';
import { createTokenClient, type EndReason, localStorageStore, type Session } from '../lib/token-client.ts';

/**
 * The vendor's session lives on the phone (localStorage survives restarts): after one online
 * login the app opens offline, for days. It is kept by the dashboard's token client under the
 * phone's own keys; only the server's explicit refusal ends it, never a lost answer. The password
 * is kept only as a salted PBKDF2 hash, so the lock screen can check it with no network.
 */
export type VendorSession = Session;

const SERIAL_KEY = 'gapal-vendeur-serial';
const LOCK_KEY = 'gapal-vendeur-lock';
const LOCKED_KEY = 'gapal-vendeur-locked';

const tokens = createTokenClient({
  store: localStorageStore('gapal-vendeur-session', 'gapal-vendeur-session-end'),
  lockName: 'gapal-vendeur-token-refresh',
});

const listeners = new Set<() => void>();
let locked = localStorage.getItem(LOCKED_KEY) === '1';

function emit(): void {
  for (const listener of listeners) listener();
}

export function getVendorSession(): VendorSession | null {
  return tokens.get();
}

const END_NOTICES: Record<Exclude<EndReason, 'logout'>, string> = {
  expired: 'Votre session a expiré : reconnectez-vous (réseau requis).',
  account_disabled: 'Ce compte a été désactivé par l’administrateur. Contactez-le pour le réactiver.',
  device_revoked: 'Ce téléphone a été révoqué par l’administrateur : il ne peut plus se connecter.',
  refresh_token_reused:
    'Votre session a été révoquée par sécurité (jeton réutilisé) : reconnectez-vous (réseau requis).',
};

/** Why the server ended the last session, said plainly for the sign-in screen (null after a sign-out). */
export function sessionEndNotice(): string | null {
  const reason = tokens.lastEndReason();
  return reason === null || reason === 'logout' ? null : END_NOTICES[reason];
}

/** Generated once per installation; the server registers the phone under it at first login. */
export function deviceSerial(): string {
  let serial = localStorage.getItem(SERIAL_KEY);
  if (!serial) {
    serial = `tel-${crypto.randomUUID()}`;
    localStorage.setItem(SERIAL_KEY, serial);
  }
  return serial;
}

export class LoginError extends Error {}

/**
 * Signs in online. `prepare` runs once the server has accepted the vendor and before the session
 * is kept (the app starts syncing then): the phone's data is made theirs there. If it fails, the
 * new server session is closed again and its message is the login error.
 */
export async function login(
  username: string,
  password: string,
  prepare: (user: Me) => Promise<void> = async () => {},
): Promise<VendorSession> {
  // The lock screen's hash is computed while the server answers (WebCrypto, off the main thread):
  // on a phone over 2G it no longer delays the first sync. Kept only if the sign-in succeeds.
  const lockHash = hashPassword(username, password);
  lockHash.catch(() => undefined);
  let response: Response;
  try {
    response = await fetch('/api/auth/login/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username,
        password,
        device_serial: deviceSerial(),
        device_name: `Téléphone de ${username}`.slice(0, 100),
      }),
    });
  } catch {
    throw new LoginError('Pas de réseau : la première connexion doit se faire en ligne.');
  }
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok) throw new LoginError(body?.error?.message ?? `Connexion refusée (${response.status})`);
  const pair = TokenPairSchema.parse(body);
  if (!pair.user.device_id) throw new LoginError("Ce téléphone n'a pas pu être enregistré.");
  const session = { accessToken: pair.access_token, refreshToken: pair.refresh_token, user: pair.user };
  try {
    await prepare(pair.user);
  } catch (error) {
    await revoke(session);
    throw error instanceof LoginError ? error : new LoginError('Connexion impossible, réessayez.');
  }
  localStorage.setItem(LOCK_KEY, JSON.stringify(await lockHash));
  tokens.set(session);
  setLocked(false);
  return session;
}

/** The refresh's answer never came, or the server is down: the sync retries later, still signed in. */
export class RefreshUnavailableError extends Error {}

/**
 * A fresh access token after `refused` got a 401 (the sync engine's transport). `undefined`: the
 * server ended the session (reused token, disabled account, revoked phone), which is cleared with
 * its reason; a lost answer throws and keeps the session.
 */
export async function refreshAccessToken(refused: string | undefined): Promise<string | undefined> {
  const outcome = await tokens.refreshAfter(refused);
  if (outcome.status === 'refreshed') return outcome.accessToken;
  if (outcome.status === 'ended') return undefined;
  throw new RefreshUnavailableError(
    outcome.response ? `refresh answered ${outcome.response.status}` : 'refresh answer lost',
  );
}

export async function logout(): Promise<void> {
  const session = tokens.get();
  tokens.end('logout');
  if (session) await revoke(session);
}

/** Ends the session on the server (best effort: offline, the refresh token just expires). */
async function revoke(session: VendorSession): Promise<void> {
  await fetch('/api/auth/logout/', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
    body: JSON.stringify({ refresh_token: session.refreshToken }),
  }).catch(() => undefined);
}

type LockHash = { salt: string; hash: string };

async function hashPassword(username: string, password: string, salt?: string): Promise<LockHash> {
  const saltBytes = salt
    ? Uint8Array.from(atob(salt), (c) => c.charCodeAt(0))
    : crypto.getRandomValues(new Uint8Array(16));
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(`${username.toLowerCase()}\n${password}`),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', salt: saltBytes, iterations: 100_000, hash: 'SHA-256' },
    key,
    256,
  );
  const encode = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return { salt: encode(saltBytes), hash: encode(new Uint8Array(bits)) };
}

export function setLocked(value: boolean): void {
  locked = value;
  if (value) localStorage.setItem(LOCKED_KEY, '1');
  else localStorage.removeItem(LOCKED_KEY);
  emit();
}

/** Unlocks with the password, checked on the phone (works offline). */
export async function unlock(password: string): Promise<boolean> {
  const stored = localStorage.getItem(LOCK_KEY);
  const session = tokens.get();
  if (!stored || !session) return false;
  const { salt, hash } = JSON.parse(stored) as LockHash;
  const candidate = await hashPassword(session.user.username, password, salt);
  if (candidate.hash !== hash) return false;
  setLocked(false);
  return true;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const unsubscribe = tokens.subscribe(listener);
  return () => {
    listeners.delete(listener);
    unsubscribe();
  };
}

export function useVendorSession(): { session: VendorSession | null; locked: boolean } {
  const session = useSyncExternalStore(subscribe, tokens.get);
  const isLocked = useSyncExternalStore(subscribe, () => locked);
  return { session, locked: isLocked };
}
