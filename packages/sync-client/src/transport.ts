import {
  SYNC_SCHEMA_VERSION,
  type SyncMutation,
  type SyncPullResponse,
  type SyncPushResponse,
} from '@gapal/shared';

/** The network failed, or the server answered 5xx/429: worth retrying later. */
export class TemporarySyncError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
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
};

export type HttpTransportOptions = {
  baseUrl: string;
  getAccessToken(): string | undefined | Promise<string | undefined>;
  /** Gets a new access token (refresh token flow); called at most once per request on a 401. */
  refreshAccessToken(): Promise<string | undefined>;
  fetch?: typeof fetch;
};

export function createHttpTransport(options: HttpTransportOptions): SyncTransport {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let token = await options.getAccessToken();
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await doFetch(`${options.baseUrl}${path}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        throw new TemporarySyncError(`network: ${(error as Error).message}`);
      }
      if (response.status === 401 && attempt === 0) {
        token = await options.refreshAccessToken();
        if (token) continue;
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return JSON.parse(text) as T;
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
  }

  return {
    push: (deviceId, mutations) =>
      call<SyncPushResponse>('POST', '/api/sync/push/', {
        device_id: deviceId,
        schema_version: SYNC_SCHEMA_VERSION,
        mutations,
      }),
    pull: (deviceId, cursor, limit) => {
      const query = new URLSearchParams({ device_id: deviceId, limit: String(limit) });
      if (cursor) query.set('cursor', cursor);
      return call<SyncPullResponse>('GET', `/api/sync/pull/?${query}`);
    },
  };
}
