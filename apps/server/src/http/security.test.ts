import { describe, expect, it } from 'vitest';
import { api, useTestApp } from '../../test/harness.ts';

describe('security defaults', () => {
  const t = useTestApp();
  const withCors = useTestApp({
    env: { CORS_ORIGINS: 'https://admin.example.com, https://other.example.com' },
  });

  it('sends a strict content security policy and the usual hardening headers', async () => {
    const response = await api(t, 'GET', '/api/health/');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    // Voice notes play from blob: URLs (features/orders/voice-notes.tsx).
    expect(csp).toContain("media-src 'self' blob:");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('sends the same hardening headers on errors and unknown routes', async () => {
    const unknown = await api(t, 'GET', '/api/nowhere/');
    expect(unknown.status).toBe(404);
    const refused = await api(t, 'GET', '/api/orders/');
    expect(refused.status).toBe(401);
    for (const response of [unknown, refused]) {
      expect(String(response.headers['content-security-policy'])).toContain("default-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('sends HSTS only when the request came over https through the trusted proxy', async () => {
    const plain = await api(t, 'GET', '/api/health/');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const viaTls = await api(t, 'GET', '/api/health/', { headers: { 'x-forwarded-proto': 'https' } });
    expect(viaTls.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
  });

  it('ignores X-Forwarded-Proto from a client that is not a trusted proxy', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/health/',
      remoteAddress: '203.0.113.9',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '127.0.0.1' },
    });
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('keeps CORS closed by default: a foreign origin gets no allow header, even on preflight', async () => {
    const simple = await api(t, 'GET', '/api/health/', { headers: { origin: 'https://evil.example.com' } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login/',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the listed origins when CORS_ORIGINS is set', async () => {
    const preflight = await withCors.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login/',
      headers: {
        origin: 'https://admin.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    const foreign = await api(withCors, 'GET', '/api/health/', {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets only the API docs page use inline styles', async () => {
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(String(docs.headers['content-security-policy'])).toContain("style-src 'self' 'unsafe-inline'");
    const api2 = await api(t, 'GET', '/api/settings/');
    expect(String(api2.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });

  it('refuses a body over BODY_LIMIT_BYTES with 413 in the shared error shape', async () => {
    const response = await api(t, 'POST', '/api/auth/login/', {
      body: { username: 'x'.repeat(t.config.bodyLimitBytes), password: 'y' },
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBeTypeOf('string');
  });
});
