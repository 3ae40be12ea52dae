import { describe, expect, it } from 'vitest';
import { api, useTestApp } from '../../test/harness.ts';

const TOKEN = 'metrics-token-0123456789';

describe('metrics', () => {
  const t = useTestApp();
  const withToken = useTestApp({ env: { METRICS_TOKEN: TOKEN } });

  it('serves Prometheus text to a direct loopback caller, with request counts and latencies by route', async () => {
    await api(t, 'GET', '/api/health/');
    await api(t, 'GET', '/api/no-such-route/');
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(
      /gapal_http_requests_total\{method="GET",route="\/api\/health\/",status_code="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /gapal_http_request_duration_seconds_count\{method="GET",route="\/api\/health\/",status_code="200"\} [1-9]/,
    );
    // Unknown URLs share one label instead of one series each.
    expect(text).toContain('route="unmatched",status_code="404"');
    expect(text).not.toContain('no-such-route');
    expect(text).toContain('gapal_websocket_connections 0');
    expect(text).toMatch(/gapal_db_pool_connections\{state="total"\} \d+/);
    expect(text).toContain('gapal_process_resident_memory_bytes');
  });

  it('counts sync mutations by name and result, with bounded labels', async () => {
    const { metrics } = t.app.writes;
    metrics.recordSyncMutation('create_order', 'applied');
    metrics.recordSyncMutation('create_order', 'applied');
    metrics.recordSyncMutation('cancel_order', 'rejected');
    metrics.recordSyncMutation('drop_tables', 'rejected');
    metrics.recordSyncMutation('create_order', 'skipped');
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('gapal_sync_mutations_total{name="create_order",result="applied"} 2');
    expect(text).toContain('gapal_sync_mutations_total{name="cancel_order",result="rejected"} 1');
    expect(text).toContain('gapal_sync_mutations_total{name="unknown",result="rejected"} 1');
    expect(text).not.toContain('result="skipped"');
  });

  it('hides the metrics from remote callers and from anything that came through a proxy', async () => {
    const remote = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.168.1.20' });
    expect(remote.statusCode).toBe(404);
    expect(JSON.parse(remote.body).error.code).toBe('not_found');
    const proxied = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    expect(proxied.statusCode).toBe(404);
  });

  it('wants the bearer METRICS_TOKEN when one is set, from anywhere', async () => {
    const none = await withToken.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(404);
    const wrong = await withToken.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN.replace('0', 'x')}` },
    });
    expect(wrong.statusCode).toBe(404);
    const right = await withToken.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.0.0.8',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('gapal_http_requests_total');
  });
});
