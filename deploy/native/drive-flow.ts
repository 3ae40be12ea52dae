/**
 * Drives a running multi-process deployment through its nginx (run-multiprocess.sh starts it):
 * the main API flow over https, a live event crossing processes, then one process stopped while
 * the service stays up. Exits non-zero on the first failure.
 *
 * Env: GAPAL_URL (https through nginx), GAPAL_HTTP_URL (plain http), GAPAL_DIRECT_PORTS (the
 * processes' own ports, "3001,3002"), GAPAL_STOP_PID (the process to stop), GAPAL_ADMIN_USERNAME,
 * GAPAL_ADMIN_PASSWORD, GAPAL_CA_FILE (the test certificate).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env('GAPAL_URL');
const httpBase = env('GAPAL_HTTP_URL');
const directPorts = env('GAPAL_DIRECT_PORTS').split(',').map(Number);
const stopPid = Number(env('GAPAL_STOP_PID'));
const stopPort = Number(env('GAPAL_STOP_PORT'));
const ca = readFileSync(env('GAPAL_CA_FILE'));

function check(condition: unknown, message: string, detail?: unknown): asserts condition {
  if (!condition) throw new Error(`${message}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}
const step = (message: string) => console.log(`  - ${message}`);

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(new URL(path, base), {
    method,
    redirect: 'manual',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const body: Json = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  return { status: response.status, body, headers: response.headers };
}

async function ok(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
  status = 200,
) {
  const response = await call(method, path, options);
  check(
    response.status === status,
    `${method} ${path} answered ${response.status}, expected ${status}`,
    response.body,
  );
  return response.body as Json;
}

async function login(username: string, password: string, deviceSerial?: string) {
  const body = await ok('POST', '/api/auth/login/', {
    body: { username, password, ...(deviceSerial ? { device_serial: deviceSerial } : {}) },
  });
  return { token: body.access_token as string, deviceId: body.user?.device_id as string | null };
}

/** The socket count each process reports on its own /metrics (loopback, not through nginx). */
async function socketsPerProcess(ports: number[]): Promise<number[]> {
  return Promise.all(
    ports.map(async (port) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const match = /^gapal_websocket_connections (\d+)/m.exec(text);
      return Number(match?.[1] ?? Number.NaN);
    }),
  );
}

type LiveClient = { socket: WebSocket; messages: Json[]; closed: Promise<number> };

async function openSocket(token: string): Promise<LiveClient> {
  const url = `${base.replace(/^http/, 'ws')}/api/ws/`;
  const socket = new WebSocket(url, { ca });
  const messages: Json[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', token }));
  await waitFor(() => messages.some((message) => message.type === 'ready'), 'the socket to be ready');
  return { socket, messages, closed };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const hasOrderEvent = (client: LiveClient, number: string) =>
  client.messages.some(
    (message) => message.type === 'notification' && JSON.stringify(message.notification).includes(number),
  );

async function main() {
  console.log(`Driving ${base} (processes on ${directPorts.join(', ')})`);

  // --- the edge: TLS, redirects, headers, /metrics hidden
  const ready = await call('GET', '/api/ready/');
  check(ready.status === 200 && ready.body.status === 'ready', 'ready through nginx', ready.body);
  check(ready.headers.get('strict-transport-security')?.includes('max-age='), 'HSTS over https');
  check(ready.headers.get('content-security-policy')?.includes("default-src 'self'"), 'CSP header');
  check(/^[0-9a-f]{32}$/.test(ready.headers.get('x-request-id') ?? ''), "nginx's request id reaches Gapal");
  step('ready over https, with HSTS, CSP and the nginx request id');
  const plain = await fetch(`${httpBase}/api/health/`, { redirect: 'manual' });
  check(
    plain.status === 301 && plain.headers.get('location')?.startsWith('https://'),
    'http redirects to https',
  );
  check((await call('GET', '/metrics')).status === 404, '/metrics hidden behind nginx');
  step('http redirects to https; /metrics is not reachable through nginx');

  // --- people and goods
  const admin = await login(env('GAPAL_ADMIN_USERNAME'), env('GAPAL_ADMIN_PASSWORD'));
  const sites = await ok('GET', '/api/sites/', { token: admin.token });
  const siteId = (sites.items ?? sites)[0].id as string;
  const password = 'ci-password-123';
  const suffix = randomUUID().slice(0, 8);
  const makeUser = (role: string) =>
    ok(
      'POST',
      '/api/users/',
      {
        token: admin.token,
        body: {
          username: `${role.replace('gestionnaire_', 'g')}_${suffix}`,
          full_name: `CI ${role}`,
          role,
          site_id: siteId,
          password,
        },
      },
      201,
    );
  const manager = await makeUser('gestionnaire_commandes');
  const stocker = await makeUser('gestionnaire_stocks');
  const vendor = await makeUser('vendeur');
  const product = await ok(
    'POST',
    '/api/products/',
    {
      token: admin.token,
      body: { name: `Yaourt CI ${suffix}`, unit: 'pot', unit_price: 500, shelf_life_days: 10 },
    },
    201,
  );
  const stockToken = (await login(stocker.username, password)).token;
  await ok(
    'POST',
    '/api/stock/entry/',
    { token: stockToken, body: { reference: 'BL-CI-1', items: [{ product_id: product.id, quantity: 50 }] } },
    201,
  );
  step('admin created users and a product; 50 received into stock');

  // --- live sockets on both processes
  const managerToken = (await login(manager.username, password)).token;
  const clients: LiveClient[] = [];
  while (clients.length < 12) {
    clients.push(await openSocket(managerToken));
    const counts = await socketsPerProcess(directPorts);
    if (counts.every((count) => count >= 1)) break;
  }
  const counts = await socketsPerProcess(directPorts);
  check(
    counts.every((count) => count >= 1),
    'nginx spread the sockets over both processes',
    counts,
  );
  step(`${clients.length} sockets through nginx, per process: ${counts.join(' + ')}`);

  // --- an offline order pushed by a phone; its event reaches sockets on every process
  const phone = await login(vendor.username, password, `CI-PHONE-${suffix}`);
  check(phone.deviceId, 'login with a device serial registers the phone');
  const localId = randomUUID();
  const pushBody = {
    device_id: phone.deviceId,
    schema_version: 1,
    mutations: [
      {
        id: randomUUID(),
        seq: 1,
        name: 'create_order',
        args: { local_id: localId, client_name: 'Awa CI', items: [{ product_id: product.id, quantity: 4 }] },
        client_time: new Date().toISOString(),
      },
    ],
  };
  const pushed = await ok('POST', '/api/sync/push/', { token: phone.token, body: pushBody });
  check(pushed.results[0].status === 'applied', 'the pushed order is applied', pushed.results);
  const again = await ok('POST', '/api/sync/push/', { token: phone.token, body: pushBody });
  check(again.results[0].status === 'duplicate', 'the same push again is a duplicate', again.results);
  const order = pushed.results[0].order ?? (await findOrder(managerToken, localId));
  step(`order ${order.number} pushed from a phone, applied once (the same push again is a duplicate)`);

  // An order taken on the web: its event must reach the sockets of both processes, so at least
  // one of them got it from the other process through Redis.
  const webOrder = await ok(
    'POST',
    '/api/orders/',
    {
      token: phone.token,
      body: {
        local_id: randomUUID(),
        client_name: 'Mariam CI',
        items: [{ product_id: product.id, quantity: 2 }],
      },
    },
    201,
  );
  await waitFor(
    () => clients.every((client) => hasOrderEvent(client, webOrder.number)),
    `the order event on all ${clients.length} sockets`,
  ).catch((error: Error) => {
    const seen = clients.map((client) =>
      client.messages.map((message) => message.notification?.title ?? message.type),
    );
    throw new Error(`${error.message} (order ${webOrder.number}; sockets saw ${JSON.stringify(seen)})`);
  });
  step(`order ${webOrder.number}'s live event reached the sockets on both processes`);

  // --- delivery and payment through the web API
  for (const status of ['en_preparation', 'en_cours', 'livree']) {
    await ok('PATCH', `/api/orders/${order.id}/status/`, { token: managerToken, body: { status } });
  }
  await ok('PATCH', `/api/orders/${order.id}/payment/`, {
    token: managerToken,
    body: { amount: 2000, method: 'orange_money', reference: `OM-${suffix}` },
  });
  const delivered = await ok('GET', `/api/orders/${order.id}/`, { token: managerToken });
  check(
    delivered.delivery_status === 'livree' && delivered.payment_status === 'payee',
    'delivered and paid',
    delivered,
  );
  const afterDelivery = await ok('GET', `/api/products/${product.id}/`, { token: admin.token });
  check(afterDelivery.stock_quantity === 46, 'delivery took 4 from stock', afterDelivery);
  step('order prepared, delivered (stock 50 → 46) and paid');

  // --- stop one process: the service stays up
  process.kill(stopPid, 'SIGTERM');
  await waitFor(async () => !(await isListening(stopPort)), 'the stopped process to close its port', 30_000);
  step(`process on port ${stopPort} stopped (SIGTERM)`);
  const closedCodes = await Promise.all(
    clients.map((client) => Promise.race([client.closed, sleep(3000).then(() => 0)])),
  );
  const goingAway = closedCodes.filter((code) => code === 1001).length;
  check(goingAway >= 1, 'sockets on the stopped process were told to go away (1001)', closedCodes);
  for (let i = 0; i < 20; i += 1) {
    const response = await call('GET', '/api/orders/?limit=5', { token: managerToken });
    check(response.status === 200, `request ${i + 1} after the stop`, response.status);
  }
  const reconnected = [...clients.filter((_, index) => closedCodes[index] !== 1001)];
  for (let i = 0; i < goingAway; i += 1) reconnected.push(await openSocket(managerToken));
  const second = await ok(
    'POST',
    '/api/orders/',
    {
      token: managerToken,
      body: {
        local_id: randomUUID(),
        client_name: 'Issa CI',
        items: [{ product_id: product.id, quantity: 1 }],
      },
    },
    201,
  );
  await waitFor(
    () => reconnected.every((client) => hasOrderEvent(client, second.number)),
    'the event on every socket after the stop',
  );
  step(`${goingAway} sockets closed 1001 and reconnected; 20 reads, a new order and its event all served`);

  for (const client of reconnected) client.socket.close();
  console.log('Multi-process deployment: OK');
}

async function findOrder(token: string, localId: string): Promise<Json> {
  const list = await ok('GET', '/api/orders/?limit=50', { token });
  const found = (list.items as Json[]).find((item) => item.local_id === localId);
  check(found, 'the pushed order is listed');
  return found;
}

async function isListening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/api/health/`);
    return true;
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
