import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSite, signedInUser } from '../../test/factories.ts';
import { withDatabase } from '../../test/global-setup.ts';
import { type TestApp, testConfig, useTestApp } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import { selectRows } from '../db/client.ts';
import { notifications } from '../db/schema.ts';
import { todayIn } from '../lib/dates.ts';
import { addDays, createLot, createProduct, sleep, TestSocket } from './test-helpers.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Far from now, so only the start-up check runs during the test and the event's origin is known. */
const CHECK_HOUR = String((new Date().getUTCHours() + 12) % 24);

/** A running Gapal server: a child process on PostgreSQL, or a second app in this process on PGlite. */
type ServerNode = { httpUrl: string; wsUrl: string; close(): Promise<void> };

/**
 * On PostgreSQL, two real `server.ts` processes on the test database; on PGlite (which one
 * process owns) two apps on the one database. Either way the only path between them is Redis.
 */
describe('realtime across two server processes through Redis', () => {
  const t = useTestApp({ env: { REDIS_URL } });
  const nodes: ServerNode[] = [];

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
  });

  async function startNode(): Promise<ServerNode> {
    const node = t.isPostgres ? await spawnServer(t) : await startInProcess(t);
    nodes.push(node);
    return node;
  }

  let processB: ServerNode;
  beforeAll(async () => {
    processB = await startNode();
  });

  it('an event caused on process A reaches the right clients on process B, once', async () => {
    expect(t.app.bus.kind).toBe('redis');
    const siteB = await createSite(t);
    const stock = await signedInUser(t, 'gestionnaire_stocks');
    const stockOtherSite = await signedInUser(t, 'gestionnaire_stocks', { siteId: siteB.id });
    const vendor = await signedInUser(t, 'vendeur');
    const admin = await signedInUser(t, 'admin', { siteId: null });
    const onB = {
      stock: await TestSocket.connect(processB.wsUrl, stock.token),
      stockOtherSite: await TestSocket.connect(processB.wsUrl, stockOtherSite.token),
      vendor: await TestSocket.connect(processB.wsUrl, vendor.token),
      admin: await TestSocket.connect(processB.wsUrl, admin.token),
    };

    // A lot that expires tomorrow appears; process A's start-up expiry check finds it.
    const product = await createProduct(t);
    const lot = await createLot(t, {
      productId: product.id,
      siteId: t.defaultSiteId,
      expiryDate: addDays(todayIn(t.config.timeZone), 1),
      quantity: 4,
    });
    const processA = await startNode();

    const isLotAlert = (m: { type: string; notification?: { data: Record<string, unknown> } }) =>
      m.type === 'notification' && m.notification!.data.lot_id === lot.id;
    const received = await onB.stock.waitFor(isLotAlert, { timeoutMs: 15_000 });
    await onB.admin.waitFor(isLotAlert);
    await sleep(300);
    expect(onB.stock.messages.filter(isLotAlert)).toHaveLength(1);
    expect(onB.admin.messages.filter(isLotAlert)).toHaveLength(1);
    expect(onB.stockOtherSite.messages.filter(isLotAlert)).toHaveLength(0);
    expect(onB.vendor.messages.filter(isLotAlert)).toHaveLength(0);
    const stored = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.dedupeKey, `expiry:${lot.id}:D-1`));
    expect(stored).toHaveLength(1);
    expect((received as { notification: { id: string } }).notification.id).toBe(String(stored[0]!.id));

    // And back: reading through process A updates the reader's socket on B, not the others'.
    const onA = await TestSocket.connect(processA.wsUrl, stock.token);
    const id = String(stored[0]!.id);
    const response = await fetch(`${processA.httpUrl}/api/notifications/${id}/read/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stock.token}` },
    });
    expect(response.status).toBe(200);
    for (const socket of [onA, onB.stock]) {
      expect(await socket.waitFor((m) => m.type === 'notifications_read')).toEqual({
        type: 'notifications_read',
        ids: [id],
        all: false,
      });
    }
    await sleep(300);
    expect(onB.admin.messages.some((m) => m.type === 'notifications_read')).toBe(false);
    await Promise.all([onA, ...Object.values(onB)].map((socket) => socket.close()));
  });
});

async function startInProcess(t: TestApp): Promise<ServerNode> {
  const app: FastifyInstance = await buildApp(
    testConfig({ REDIS_URL, EXPIRY_CHECK_HOUR: CHECK_HOUR }),
    t.database,
    { logger: false, jobs: true },
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    httpUrl: address,
    wsUrl: `${address.replace(/^http/, 'ws')}/api/ws/`,
    close: () => app.close(),
  };
}

async function spawnServer(t: TestApp): Promise<ServerNode> {
  const template = inject('pgTemplate');
  const [row] = await selectRows<{ name: string }>(t.db, sql`SELECT current_database() AS name`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-node-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/server.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: withDatabase(template!.adminUrl, row!.name),
      DATABASE_POOL_SIZE: '4',
      REDIS_URL,
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: t.config.jwtSecret,
      GAPAL_DATA_DIR: dataDir,
      GAPAL_DEMO_DATA: 'false',
      GAPAL_ADMIN_USERNAME: '',
      GAPAL_ADMIN_PASSWORD: '',
      LOG_LEVEL: 'info',
      EXPIRY_CHECK_HOUR: CHECK_HOUR,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await waitForStart(child);
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/ws/`,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the port once the server listens and its start-up expiry check has finished. */
function waitForStart(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    let port: number | undefined;
    let checked = false;
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      port ??= Number(/running at http:\/\/localhost:(\d+)\//.exec(output)?.[1]) || undefined;
      checked ||= output.includes('"msg":"expiry check done"');
      if (port && checked) {
        clearTimeout(timer);
        resolve(port);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}
