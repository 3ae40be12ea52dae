import { connect } from 'node:net';
import { ErrorBodySchema } from '@gapal/shared';
import { describe, expect, it } from 'vitest';
import { createDevice, signedInUser, tokenFor, unique } from '../../test/factories.ts';
import { api, createTestApp, useTestApp } from '../../test/harness.ts';

/** Sends raw bytes to a listening server and returns what comes back, until it closes. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseRawResponse(raw: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

// Node's parser refuses these before Fastify sees them, so only a real socket reaches that path.
describe('refusals of the HTTP parser, on a listening server', () => {
  const t = useTestApp();

  async function port(): Promise<number> {
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  it('a 20 KB header is a 431 in the shared shape', async () => {
    const raw = await rawExchange(
      await port(),
      `GET /api/health/ HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const response = parseRawResponse(raw);
    expect(response.status).toBe(431);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('header_too_large');
    expect(response.headers).toContain('content-type: application/json');
    expect(response.headers).toContain('x-content-type-options: nosniff');
  });

  it('a malformed request line or header is a 400 in the shared shape', async () => {
    const raw = await rawExchange(
      await port(),
      'GET /api/health/ HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n',
    );
    const response = parseRawResponse(raw);
    expect(response.status).toBe(400);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('bad_request');
  });
});

describe('refusals of the router and content parsers', () => {
  const t = useTestApp();

  it('a 600-character path parameter is a 414 in the shared shape, with the usual headers', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await api(t, 'GET', `/api/orders/${'a'.repeat(600)}/`, { token });
    expect(response.status).toBe(414);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('uri_too_long');
    expect(response.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('a bad percent-encoding in the path is a 400 in the shared shape', async () => {
    const response = await api(t, 'GET', '/api/orders/%zz/');
    expect(response.status).toBe(400);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('bad_request');
  });

  it('a known path asked with another method is a 405 naming the allowed ones', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await api(t, 'PATCH', '/api/users/00000000-0000-4000-8000-000000000000/', { token });
    expect(response.status).toBe(405);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('method_not_allowed');
    expect(String(response.headers.allow).split(', ')).toEqual(['DELETE', 'GET', 'HEAD', 'PUT']);

    const withoutSlash = await api(t, 'DELETE', '/api/health');
    expect(withoutSlash.status).toBe(405);
    expect(withoutSlash.headers.allow).toBe('GET, HEAD');
  });

  it('an unknown path is still a 404, whatever the method', async () => {
    const response = await api(t, 'DELETE', '/api/users/00000000-0000-4000-8000-000000000000/extra/');
    expect(response.status).toBe(404);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('not_found');
  });

  it('a route of the same method that finds nothing (a missing docs asset) is a 404, not a 405', async () => {
    const response = await api(t, 'GET', '/api/docs/static/no-such-file.js');
    expect(response.status).toBe(404);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('not_found');
  });

  it('a plain GET on the WebSocket route (no upgrade) is an error in the shared shape', async () => {
    const response = await api(t, 'GET', '/api/ws/');
    expect(response.status).toBe(404);
    expect(ErrorBodySchema.parse(response.body).error.code).toBe('not_found');
  });

  it('an empty JSON body is a 400 in the shared shape', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login/',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expect(ErrorBodySchema.parse(response.json()).error.code).toBe('bad_request');
  });

  it('a body that is not the gzip it claims to be is a 4xx in the shared shape', async () => {
    const { user } = await signedInUser(t, 'vendeur');
    const device = await createDevice(t, user);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/sync/push/',
      headers: {
        authorization: `Bearer ${await tokenFor(t, user, device.id)}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      payload: 'not gzip at all',
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    ErrorBodySchema.parse(response.json());
  });
});

describe('values the schemas let through and the database refuses', () => {
  const t = useTestApp();

  it('a price beyond the integer column is a 400 and writes nothing', async () => {
    const { token } = await signedInUser(t, 'admin');
    const name = unique('Lait ');
    const response = await api(t, 'POST', '/api/products/', {
      token,
      body: { name, unit: 'pot', unit_price: Number.MAX_SAFE_INTEGER },
    });
    expect(response.status).toBe(400);
    expect(ErrorBodySchema.parse(response.body).error.code).toMatch(/^(bad_request|validation_error)$/);
    const listed = await api(t, 'GET', `/api/products/?search=${encodeURIComponent(name)}`, { token });
    expect(listed.body.items).toEqual([]);
  });

  it('a date PostgreSQL cannot represent (year 0) is a 400', async () => {
    const { token } = await signedInUser(t, 'admin');
    const response = await api(t, 'GET', '/api/reports/daily/json/?date=0000-01-01', { token });
    expect(response.status).toBe(400);
    ErrorBodySchema.parse(response.body);
  });
});

describe('rate limits', () => {
  it("the rate-limit plugin's 429 is in the shared shape with Retry-After", async () => {
    const t = await createTestApp({ env: { LOGIN_IP_MAX_PER_MINUTE: '2' } });
    try {
      const attempt = () =>
        api(t, 'POST', '/api/auth/login/', {
          body: { username: unique('nobody'), password: 'wrong-pass-1' },
        });
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(ErrorBodySchema.parse(limited.body).error.code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
