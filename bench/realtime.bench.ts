/**
 * `npm run bench realtime`: how many authenticated WebSockets one server process holds, what
 * they cost in memory, and how long a broadcast takes to reach all of them, over loopback.
 *
 * The server runs in a child process (as in production); the clients share this process's event
 * loop, so the measured latency includes their own reading time (an upper bound for the server).
 * Run once with the in-process bus and once through Redis when it answers. Bounded: BENCH_SOCKETS
 * (default 10 000, under the 20 000 open files per process here), BENCH_BROADCASTS rounds.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { createTokenSigner } from '../apps/server/src/auth/tokens.ts';
// Also brings the `app.bus` decoration's type into this program.
import type { EventBus } from '../apps/server/src/realtime/bus.ts';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const USERS = 100;
const CONNECT_CONCURRENCY = 200;
const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 20);
const BUSES = (process.env.BENCH_REALTIME_BUSES ?? 'memory,redis').split(',');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';

type ServerData = { url: string; dataDir: string; redisUrl: string | null };
type ServerReply = { port?: number; rss?: number; heap?: number; sent?: number };

if (process.argv[2] === 'serve') {
  await serve(JSON.parse(process.argv[3]!) as ServerData);
} else {
  await main();
}

async function serve({ url, dataDir, redisUrl }: ServerData): Promise<void> {
  const { loadConfig } = await import('../apps/server/src/config.ts');
  const { openDatabase } = await import('../apps/server/src/db/client.ts');
  const { bootstrap } = await import('../apps/server/src/bootstrap/bootstrap.ts');
  const { buildApp } = await import('../apps/server/src/app.ts');
  const { siteChannel } = await import('../apps/server/src/realtime/channels.ts');
  const config = loadConfig({
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '20',
    JWT_SECRET,
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    GAPAL_DATA_DIR: dataDir,
    GAPAL_DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    WS_AUTH_TIMEOUT_SECONDS: '120',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const database = await openDatabase(config.database);
  await database.migrate();
  await bootstrap(database.db, config);
  const app = await buildApp(config, database, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const bus: EventBus = app.bus;
  const address = app.server.address();
  const reply = (message: ServerReply | string) => process.send!(message);
  reply({ port: typeof address === 'object' && address ? address.port : 0 });
  process.on('message', async (message: { type: string; siteId?: string; round?: number }) => {
    if (message.type === 'stats') {
      global.gc?.();
      const memory = process.memoryUsage();
      reply({ rss: memory.rss, heap: memory.heapUsed });
    } else if (message.type === 'broadcast') {
      // A stored-notification-sized message, stamped when it leaves for the bus.
      await bus.publish({
        channels: [siteChannel(message.siteId!)],
        message: {
          type: 'notification',
          notification: {
            id: String(message.round),
            kind: 'stock_bas',
            title: 'Stock bas : Yaourt nature 500 ml',
            body: '3 pot en stock (seuil d’alerte 10)',
            site_id: message.siteId!,
            data: { round: message.round, sent_at: performance.timeOrigin + performance.now() },
            created_at: new Date().toISOString(),
            read_at: null,
          },
        },
      });
      reply({ sent: message.round });
    } else if (message.type === 'close') {
      await app.close();
      await database.close();
      process.send!('closed', () => process.exit(0));
    }
  });
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is required (npm run bench sets it)');
  console.log(
    `machine: ${availableParallelism()} cores, load ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}; node ${process.version}; ${SOCKETS} sockets, ${BROADCASTS} broadcasts`,
  );
  for (const bus of BUSES) {
    const redisUrl = bus === 'redis' ? REDIS_URL : null;
    if (redisUrl && !(await redisAnswers(redisUrl))) {
      console.log(`[${bus}] skipped: no Redis at ${redisUrl}`);
      continue;
    }
    await runOnce(adminUrl, bus, redisUrl);
  }
}

async function runOnce(adminUrl: string, bus: string, redisUrl: string | null): Promise<void> {
  const name = `gapal_bench_rt_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-bench-'));
  const server: ChildProcess = fork(
    fileURLToPath(import.meta.url),
    ['serve', JSON.stringify({ url: dbUrl.toString(), dataDir, redisUrl })],
    { execArgv: ['--import', 'tsx', '--expose-gc'] },
  );
  const replies: ServerReply[] = [];
  const waiters: Array<() => void> = [];
  server.on('message', (message: ServerReply) => {
    replies.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const nextReply = async (match: (reply: ServerReply) => boolean): Promise<ServerReply> => {
    for (;;) {
      const index = replies.findIndex(match);
      if (index >= 0) return replies.splice(index, 1)[0]!;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const sockets: WebSocket[] = [];
  try {
    const { port } = await nextReply((reply) => reply.port !== undefined);
    const db = new pg.Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const site = (await db.query<{ id: string }>('SELECT id FROM sites ORDER BY created_at LIMIT 1'))
      .rows[0]!;
    const signer = createTokenSigner(JWT_SECRET, 3600);
    const tokens: string[] = [];
    for (let i = 0; i < USERS; i += 1) {
      const user = await db.query<{ id: string }>(
        `INSERT INTO users (username, full_name, role, site_id, password_hash)
         VALUES ($1, 'Bench', 'gestionnaire_stocks', $2, 'x') RETURNING id`,
        [`bench${i}`, site.id],
      );
      tokens.push(
        await signer.signAccess({
          userId: user.rows[0]!.id,
          role: 'gestionnaire_stocks',
          siteId: site.id,
          deviceId: null,
        }),
      );
    }
    await db.end();

    const stats = () => {
      server.send({ type: 'stats' });
      return nextReply((r) => r.rss !== undefined);
    };
    const { rss: rssBefore } = await stats();
    const lastRound = new Int32Array(SOCKETS).fill(-1);
    const latencies: number[][] = [];
    const url = `ws://127.0.0.1:${port}/api/ws/`;
    const connectStart = performance.now();
    for (let start = 0; start < SOCKETS; start += CONNECT_CONCURRENCY) {
      const batch = [];
      for (let i = start; i < Math.min(SOCKETS, start + CONNECT_CONCURRENCY); i += 1) {
        batch.push(
          openSocket(url, tokens[i % USERS]!, (round, sentAt) => {
            lastRound[i] = round;
            latencies[round] ??= [];
            latencies[round].push(performance.timeOrigin + performance.now() - sentAt);
          }),
        );
      }
      sockets.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (performance.now() - connectStart) / 1000;
    const { rss: rssAfter, heap } = await stats();

    const lastDelivery: number[] = [];
    const medians: number[] = [];
    for (let round = 0; round < BROADCASTS; round += 1) {
      server.send({ type: 'broadcast', siteId: site.id, round });
      await nextReply((reply) => reply.sent === round);
      const deadline = Date.now() + 30_000;
      while (lastRound.some((value) => value < round)) {
        if (Date.now() > deadline) throw new Error(`round ${round}: not every socket got the broadcast`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const sorted = latencies[round]!.sort((a, b) => a - b);
      lastDelivery.push(sorted.at(-1)!);
      medians.push(sorted[Math.floor(sorted.length / 2)]!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    const pct = (values: number[], p: number) =>
      [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
    console.log(
      `[${bus}] sockets held: ${sockets.filter((s) => s.readyState === WebSocket.OPEN).length}/${SOCKETS}, opened and authenticated in ${connectSeconds.toFixed(1)} s (${Math.round(SOCKETS / connectSeconds)}/s)`,
    );
    console.log(
      `[${bus}] server memory: rss +${((rssAfter! - rssBefore!) / 1024 / 1024).toFixed(0)} MiB (${((rssAfter! - rssBefore!) / SOCKETS / 1024).toFixed(1)} KiB per socket), heap ${(heap! / 1024 / 1024).toFixed(0)} MiB`,
    );
    console.log(
      `[${bus}] broadcast to all ${SOCKETS}: last socket p50 ${ms(pct(lastDelivery, 0.5))}, p95 ${ms(pct(lastDelivery, 0.95))}, max ${ms(Math.max(...lastDelivery))}; median socket p50 ${ms(pct(medians, 0.5))}`,
    );
  } finally {
    for (const socket of sockets) socket.terminate();
    server.send({ type: 'close' });
    await new Promise((resolve) => server.once('exit', resolve));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function openSocket(
  url: string,
  token: string,
  onRound: (round: number, sentAt: number) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('{"type":"ready"')) return resolve(ws);
      // Cheaper than JSON.parse for 10 000 sockets: only the stamp matters here.
      const match = /"round":(\d+),"sent_at":([\d.]+)/.exec(text);
      if (match) onRound(Number(match[1]), Number(match[2]));
    });
    ws.on('close', (code) => reject(new Error(`closed ${code}`)));
  });
}

async function redisAnswers(url: string): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
