import {
  ErrorBodySchema,
  SYNC_SCHEMA_VERSION,
  type SyncMutation,
  type SyncPullResponse,
  SyncPullResponseSchema,
  type SyncPushResponse,
  SyncPushResponseSchema,
} from '@gapal/shared';
import type { z } from 'zod';

/** The network failed, or the server answered 5xx/429: worth retrying later. */
export class TemporarySyncError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * The server's answer does not match the shared contract (a proxy's page, a truncated body, a
 * server of another version): nothing of it is stored, and the sync is tried again later.
 */
export class MalformedAnswerError extends TemporarySyncError {
  constructor(
    readonly path: string,
    readonly issues: readonly unknown[],
  ) {
    super(`malformed answer from ${path}`);
  }
}

/** The server refused the request itself (4xx): retrying the same thing will not help. */
export class SyncRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`sync request refused (${status})`);
  }
}

export type SyncTransport = {
  push(deviceId: string, mutations: SyncMutation[]): Promise<SyncPushResponse>;
  pull(deviceId: string, cursor: string | undefined, limit: number): Promise<SyncPullResponse>;
  /** Sends one voice note (idempotent on its id); a transport without it never uploads notes. */
  uploadVoiceNote?(upload: VoiceNoteUpload, signal?: AbortSignal): Promise<VoiceNoteUploadOutcome>;
};

export type VoiceNoteUpload = {
  id: string;
  /** The order's client UUID. */
  localId: string;
  durationMs: number;
  contentType: string;
  audio: ArrayBuffer;
};

/**
 * - `stored`: the server has it (201 stored now, 200 stored before with the same bytes);
 * - `order_unknown`: its order has not reached the server yet (404): try again later;
 * - `refused`: refused for good (403, 409, 413, 415 or another 4xx), with the server's message.
 * A network failure, 5xx or 429 throws `TemporarySyncError` instead.
 */
export type VoiceNoteUploadOutcome =
  | { kind: 'stored' }
  | { kind: 'order_unknown' }
  | { kind: 'refused'; status: number; message: string | null };

export type HttpTransportOptions = {
  baseUrl: string;
  getAccessToken(): string | undefined | Promise<string | undefined>;
  /**
   * Gets a new access token after `refused` got a 401 (refresh token flow); called at most once
   * per request. `undefined`: the session is over. Throwing (the refresh's answer was lost, the
   * server is down) keeps the session: the sync is tried again later with backoff.
   */
  refreshAccessToken(refused: string | undefined): Promise<string | undefined>;
  fetch?: typeof fetch;
};

const bearer = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

export function createHttpTransport(options: HttpTransportOptions): SyncTransport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  /**
   * Sends one request with the phone's access token, built by `init` for that token; on a 401,
   * gets a new token once and sends it again (a second 401 is the caller's to read). A network
   * failure or a refresh that throws is temporary: the sync is tried again later.
   */
  async function fetchWithToken(url: string, init: (token: string | undefined) => RequestInit) {
    let token = await options.getAccessToken();
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await doFetch(url, init(token));
      } catch (error) {
        throw new TemporarySyncError(`network: ${(error as Error).message}`);
      }
      if (response.status === 401 && attempt === 0) {
        try {
          token = await options.refreshAccessToken(token);
        } catch (error) {
          throw new TemporarySyncError(`refresh: ${(error as Error).message}`);
        }
        if (token) continue;
      }
      return response;
    }
  }

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const encoded = body === undefined ? undefined : await encodeBody(JSON.stringify(body));
    const response = await fetchWithToken(`${options.baseUrl}${path}`, (token) => ({
      method,
      headers: {
        ...bearer(token),
        ...(encoded === undefined ? {} : { 'content-type': 'application/json', ...encoded.headers }),
      },
      ...(encoded === undefined ? {} : { body: encoded.body }),
    }));
    const text = await response.text().catch(() => '');
    if (response.ok) return parseAnswer(schema, path.split('?')[0]!, text);
    if (response.status >= 500 || response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new TemporarySyncError(
        `server: ${response.status}`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    throw new SyncRequestError(response.status, parsed);
  }

  async function uploadVoiceNote(
    upload: VoiceNoteUpload,
    signal?: AbortSignal,
  ): Promise<VoiceNoteUploadOutcome> {
    const query = new URLSearchParams({ local_id: upload.localId, duration_ms: String(upload.durationMs) });
    const response = await fetchWithToken(
      `${options.baseUrl}/api/voice-notes/${upload.id}/?${query}`,
      (token) => ({
        method: 'PUT',
        headers: { ...bearer(token), 'content-type': upload.contentType },
        body: upload.audio,
        ...(signal ? { signal } : {}),
      }),
    );
    const text = await response.text().catch(() => '');
    if (response.status === 200 || response.status === 201) return { kind: 'stored' };
    if (response.status === 404) return { kind: 'order_unknown' };
    if (response.status >= 500 || response.status === 429 || response.status === 401) {
      throw new TemporarySyncError(`server: ${response.status}`);
    }
    return { kind: 'refused', status: response.status, message: errorMessage(text) };
  }

  return {
    uploadVoiceNote,
    push: (deviceId, mutations) =>
      call<SyncPushResponse>('POST', '/api/sync/push/', SyncPushResponseSchema, {
        device_id: deviceId,
        schema_version: SYNC_SCHEMA_VERSION,
        mutations,
      }),
    pull: (deviceId, cursor, limit) => {
      const query = new URLSearchParams({ device_id: deviceId, limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      return call<SyncPullResponse>('GET', `/api/sync/pull/?${query}`, SyncPullResponseSchema);
    },
  };
}

/**
 * A request body, gzipped when it is worth it and the runtime can (the server's sync routes read
 * `Content-Encoding: gzip`): a phone uploads at 50 kbit/s on 2G, and a batch of orders (the same
 * keys and product ids again and again) shrinks to about a fifth.
 */
async function encodeBody(json: string): Promise<{ body: BodyInit; headers: Record<string, string> }> {
  if (json.length < 1024 || typeof CompressionStream === 'undefined') return { body: json, headers: {} };
  const gzipped = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
  return { body: await new Response(gzipped).arrayBuffer(), headers: { 'content-encoding': 'gzip' } };
}

/** A 2xx body, checked with the shared schema before anything reads it. */
function parseAnswer<T>(schema: z.ZodType<T>, path: string, text: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MalformedAnswerError(path, [{ message: 'not JSON' }]);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new MalformedAnswerError(path, parsed.error.issues);
}

/** The French message of an error answer in the shared shape, if it is one. */
function errorMessage(text: string): string | null {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error.message : null;
  } catch {
    return null;
  }
}
