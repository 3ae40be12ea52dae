/**
 * The load generator's HTTP client: node:http over keep-alive connections. It costs the bench
 * process far less CPU per request than fetch, and on a 2-core machine the load generator's CPU
 * is taken from the server it measures (in production the clients are phones and browsers).
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export type BenchResponse = { status: number; text: string };

export function httpCall(
  base: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<BenchResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${url}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          // As the phones' and browsers' fetch does: the server compresses what it compresses.
          'accept-encoding': 'gzip',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          const data = response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          resolve({ status: response.statusCode ?? 0, text: data.toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
