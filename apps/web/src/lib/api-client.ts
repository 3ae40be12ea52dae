import type { z } from 'zod';
import { ApiError, errorFromResponse } from './api-error.ts';
import { t } from './i18n.ts';
import { clearSession, dashboardTokens, getSession } from './session.ts';
import { endReasonFor } from './token-client.ts';

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

/** Gets a fresh access token after `usedToken` was refused (the shared token client). */
async function refreshAfter(usedToken: string): Promise<boolean> {
  const outcome = await dashboardTokens.refreshAfter(usedToken);
  if (outcome.status === 'refreshed') return true;
  if (outcome.status === 'ended') return false;
  // The server is down or the network lost: keep the session and let the caller show the error.
  if (outcome.response) throw await errorFromResponse(outcome.response);
  throw new ApiError(0, 'network_error', t('common.network_error'));
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
  const ending = endReasonFor(error.code);
  if (ending) {
    clearSession(ending);
    throw error;
  }
  if (!(await refreshAfter(session.accessToken))) throw error;
  response = await rawFetch(url, init, getSession()?.accessToken);
  if (response.status === 401) {
    const retried = await errorFromResponse(response);
    clearSession(endReasonFor(retried.code) ?? 'expired');
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
