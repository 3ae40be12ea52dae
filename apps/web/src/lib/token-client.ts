import { ErrorBodySchema, type Me, MeSchema, TokenPairSchema } from '@gapal/shared';
import { z } from 'zod';

/**
 * The one token client of the dashboard and the vendors' phones: it keeps the session (access
 * and refresh tokens, the user), rotates the refresh token under a Web Lock so two tabs never
 * present the same one, and ends the session only when the server says it is over.
 */
export type Session = { accessToken: string; refreshToken: string; user: Me };

/** Why the last session ended, so the sign-in screen can say it plainly. */
export type EndReason = 'logout' | 'expired' | 'account_disabled' | 'device_revoked' | 'refresh_token_reused';

const SessionSchema = z.object({ accessToken: z.string(), refreshToken: z.string(), user: MeSchema });
const EndReasonSchema = z.enum([
  'logout',
  'expired',
  'account_disabled',
  'device_revoked',
  'refresh_token_reused',
]);

/** The server's codes that end a session whatever the request (refresh or not). */
const SESSION_ENDING_CODES: Record<string, EndReason> = {
  account_disabled: 'account_disabled',
  device_revoked: 'device_revoked',
  refresh_token_reused: 'refresh_token_reused',
};

/** The reason a session ends on this error code, or null when the code does not end it. */
export function endReasonFor(code: string): EndReason | null {
  return SESSION_ENDING_CODES[code] ?? null;
}

/**
 * Where the session is kept. The dashboard and the phone use different keys (a vendor's phone
 * keeps its session for days offline; a manager's PC is signed in per browser), never the same.
 */
export type SessionStore = {
  read(): unknown;
  write(session: Session): void;
  clear(reason: EndReason): void;
  readEndReason(): unknown;
  /** Calls back when another tab changed the stored session. */
  watch(onChange: () => void): void;
};

export function localStorageStore(sessionKey: string, endKey: string): SessionStore {
  return {
    read: () => {
      const raw = localStorage.getItem(sessionKey);
      return raw ? JSON.parse(raw) : null;
    },
    write: (session) => {
      localStorage.setItem(sessionKey, JSON.stringify(session));
      localStorage.removeItem(endKey);
    },
    clear: (reason) => {
      localStorage.removeItem(sessionKey);
      localStorage.setItem(endKey, reason);
    },
    readEndReason: () => localStorage.getItem(endKey),
    watch: (onChange) => {
      if (typeof window === 'undefined') return;
      window.addEventListener('storage', (event) => {
        if (event.key === sessionKey) onChange();
      });
    },
  };
}

export type RefreshOutcome =
  | { status: 'refreshed'; accessToken: string }
  /** The server said the session is over (a 401 on refresh): it is cleared with the reason. */
  | { status: 'ended'; reason: EndReason }
  /**
   * No usable answer: the network (or the answer) was lost on every try, or the server is down
   * (`response`, unread). The session is kept: a later refresh presents the same token again.
   */
  | { status: 'unavailable'; response: Response | null };

export type TokenClientOptions = {
  store: SessionStore;
  /** The Web Lock held while rotating: one per store, shared by every tab of the origin. */
  lockName: string;
  fetch?: typeof fetch;
  /** Waits before presenting the same refresh token again after a lost answer. */
  retryDelaysMs?: readonly number[];
  /** An answer not received by then counts as lost. */
  timeoutMs?: number;
};

export type TokenClient = {
  get(): Session | null;
  /** Re-reads the stored session: another tab may have rotated the tokens meanwhile. */
  reload(): Session | null;
  set(session: Session): void;
  end(reason: EndReason): void;
  lastEndReason(): EndReason | null;
  subscribe(listener: () => void): () => void;
  /**
   * Gets a fresh access token after `refused` got a 401. A refresh token works once (presented
   * again after the server's short grace window, it revokes the whole session family), so calls
   * for the same refused token share one rotation in this tab, and a Web Lock serializes tabs:
   * the next holder finds the tokens already rotated and uses them.
   */
  refreshAfter(refused: string | undefined): Promise<RefreshOutcome>;
};

export function createTokenClient(options: TokenClientOptions): TokenClient {
  const { store } = options;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const retryDelays = options.retryDelaysMs ?? [1_000, 3_000];
  const timeoutMs = options.timeoutMs ?? 15_000;
  const listeners = new Set<() => void>();
  let current = read();
  let inflight: { refused: string | undefined; promise: Promise<RefreshOutcome> } | null = null;

  function read(): Session | null {
    try {
      const parsed = SessionSchema.safeParse(store.read());
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  function emit(): void {
    for (const listener of listeners) listener();
  }

  store.watch(() => {
    current = read();
    emit();
  });

  function set(session: Session): void {
    current = session;
    store.write(session);
    emit();
  }

  function end(reason: EndReason): void {
    current = null;
    store.clear(reason);
    emit();
  }

  async function present(refreshToken: string): Promise<Response> {
    return doFetch('/api/auth/refresh/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
      // Older Android WebViews lack AbortSignal.timeout: there the browser's own timeout applies.
      ...(typeof AbortSignal.timeout === 'function' ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
    });
  }

  async function rotate(refused: string | undefined): Promise<RefreshOutcome> {
    const stored = reload();
    if (!stored) return { status: 'ended', reason: lastEndReason() ?? 'expired' };
    // Another tab (or an earlier refresh here) already rotated: use the new token.
    if (refused !== undefined && stored.accessToken !== refused) {
      return { status: 'refreshed', accessToken: stored.accessToken };
    }
    for (let attempt = 0; attempt <= retryDelays.length; attempt += 1) {
      if (attempt > 0) await sleep(retryDelays[attempt - 1]!);
      let response: Response;
      try {
        response = await present(stored.refreshToken);
      } catch {
        // The request or its answer was lost (the server may have rotated the token): the same
        // token again, which the server's grace window answers with a pair for the same session.
        continue;
      }
      if (response.ok) {
        const pair = TokenPairSchema.safeParse(await response.json().catch(() => null));
        if (!pair.success) continue; // a truncated answer is a lost answer
        set({
          accessToken: pair.data.access_token,
          refreshToken: pair.data.refresh_token,
          user: pair.data.user,
        });
        return { status: 'refreshed', accessToken: pair.data.access_token };
      }
      if (response.status >= 500 || response.status === 429) return { status: 'unavailable', response };
      // A refusal (401: reused, disabled, revoked, expired or unknown token): the session is over.
      const body = ErrorBodySchema.safeParse(await response.json().catch(() => null));
      const reason = (body.success ? endReasonFor(body.data.error.code) : null) ?? 'expired';
      end(reason);
      return { status: 'ended', reason };
    }
    return { status: 'unavailable', response: null };
  }

  function reload(): Session | null {
    current = read();
    return current;
  }

  function lastEndReason(): EndReason | null {
    const parsed = EndReasonSchema.safeParse(store.readEndReason());
    return parsed.success ? parsed.data : null;
  }

  return {
    get: () => current,
    reload,
    set,
    end,
    lastEndReason,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refreshAfter(refused) {
      if (inflight && inflight.refused === refused) return inflight.promise;
      const promise = withLock(options.lockName, () => rotate(refused)).finally(() => {
        if (inflight?.promise === promise) inflight = null;
      });
      inflight = { refused, promise };
      return promise;
    },
  };
}

async function withLock<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return await navigator.locks.request(name, { mode: 'exclusive' }, run);
  }
  return run();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
