import { TokenPairSchema } from '@gapal/shared';
import type { z } from 'zod';
import { ApiError, errorFromResponse } from './api-error.ts';
import { t } from './i18n.ts';
import { clearSession, type EndReason, getSession, reloadSession, setSession } from './session.ts';

export { ApiError } from './api-error.ts';

type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue>;

export type RequestOptions<T> = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: QueryParams;
  body?: unknown;
  /** The shared zod schema of the answer: a response that does not match is an error, not data. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
  /** Login and refresh: no bearer, no refresh on 401. */
  anonymous?: boolean;
};

const SESSION_ENDING_CODES: Record<string, EndReason> = {
  account_disabled: 'account_disabled',
  device_revoked: 'device_revoked',
  refresh_token_reused: 'refresh_token_reused',
};

export function buildUrl(path: string, query?: QueryParams): string {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return `${url.pathname}${url.search}`;
}

async function rawFetch(path: string, init: RequestInit, token: string | undefined): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  try {
    return await fetch(path, { ...init, headers });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', t('common.network_error'));
  }
}

let refreshing: { usedToken: string; promise: Promise<boolean> } | null = null;

/**
 * Gets a fresh access token after `usedToken` was refused. A refresh token works once: using it
 * twice revokes the whole session family, so concurrent 401s share one refresh in this tab and
 * a Web Lock serializes tabs (the second tab then finds the tokens already rotated).
 */
function refreshAfter(usedToken: string): Promise<boolean> {
  if (refreshing && refreshing.usedToken === usedToken) return refreshing.promise;
  const promise = withRefreshLock(() => rotate(usedToken)).finally(() => {
    if (refreshing?.promise === promise) refreshing = null;
  });
  refreshing = { usedToken, promise };
  return promise;
}

function withRefreshLock<T>(run: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request('gapal-token-refresh', run) as Promise<T>;
  }
  return run();
}

async function rotate(usedToken: string): Promise<boolean> {
  const stored = reloadSession();
  if (!stored) return false;
  // Another tab (or an earlier refresh here) already rotated: just use the new token.
  if (stored.accessToken !== usedToken) return true;
  const response = await rawFetch(
    '/api/auth/refresh/',
    { method: 'POST', body: JSON.stringify({ refresh_token: stored.refreshToken }) },
    undefined,
  );
  if (response.ok) {
    const pair = TokenPairSchema.parse(await response.json());
    setSession({ accessToken: pair.access_token, refreshToken: pair.refresh_token, user: pair.user });
    return true;
  }
  const error = await errorFromResponse(response);
  if (response.status === 401) {
    clearSession(SESSION_ENDING_CODES[error.code] ?? 'expired');
    return false;
  }
  // The server is down or busy: keep the session and let the caller show the error.
  throw error;
}

/** Sends a request with the session's bearer, refreshing once on 401. */
export async function send<T>(path: string, options: RequestOptions<T> = {}): Promise<Response> {
  const init: RequestInit = {
    method: options.method ?? 'GET',
    signal: options.signal,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  };
  const url = buildUrl(path, options.query);
  if (options.anonymous) return rawFetch(url, init, undefined);

  const session = getSession();
  let response = await rawFetch(url, init, session?.accessToken);
  if (response.status !== 401 || !session) return response;

  const error = await errorFromResponse(response.clone());
  const ending = SESSION_ENDING_CODES[error.code];
  if (ending) {
    clearSession(ending);
    throw error;
  }
  if (!(await refreshAfter(session.accessToken))) throw error;
  response = await rawFetch(url, init, getSession()?.accessToken);
  if (response.status === 401) {
    const retried = await errorFromResponse(response);
    clearSession(SESSION_ENDING_CODES[retried.code] ?? 'expired');
    throw retried;
  }
  return response;
}

/** A JSON call: parsed with the shared schema when one is given; throws ApiError otherwise. */
export async function apiRequest<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const response = await send(path, options);
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json();
  if (!options.schema) return data as T;
  const parsed = options.schema.safeParse(data);
  if (!parsed.success) {
    console.error('Unexpected API answer', path, parsed.error.issues);
    throw new ApiError(response.status, 'bad_response', t('common.unknown_error'));
  }
  return parsed.data;
}

/** A file download (CSV export) through the same authentication. */
export async function apiDownload(path: string, query: QueryParams, filename: string): Promise<void> {
  const response = await send(path, { query });
  if (!response.ok) throw await errorFromResponse(response);
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
