/**
 * `npm run bench realtime`: how many authenticated WebSockets one server process holds, what
 * they cost in memory, and how long a broadcast takes to reach all of them, over loopback.
 *
 * The server runs in a child process (as in production); the clients share this process's event
 * loop, so the measured latency includes their own reading time (an upper bound for the server).
 * Run once with the in-process bus and once through Redis when it answers. Bounded: BENCH_SOCKETS
 * (default 10 000, under the 20 000 open files per process here), BENCH_BROADCASTS rounds.
 */
import { availableParallelism } from 'node:os';
import WebSocket from 'ws';
import {
  type BenchServer,
  benchSigner,
  benchSize,
  firstSiteId,
  withBenchDatabase,
  withBenchServer,
  withClient,
} from './support/bench-server.ts';
import { loadAverage, percentile } from './support/stats.ts';

const SOCKETS = benchSize('BENCH_SOCKETS', 10_000, 100);
const USERS = 100;
const CONNECT_CONCURRENCY = 200;
const BROADCASTS = benchSize('BENCH_BROADCASTS', 20, 3);
const BUSES = (process.env.BENCH_REALTIME_BUSES ?? 'memory,redis').split(',');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

console.log(
  `machine: ${availableParallelism()} cores, load ${loadAverage()}; node ${process.version}; ${SOCKETS} sockets, ${BROADCASTS} broadcasts`,
);
for (const bus of BUSES) {
  const redisUrl = bus === 'redis' ? REDIS_URL : null;
  if (redisUrl && !(await redisAnswers(redisUrl))) {
    console.log(`[${bus}] skipped: no Redis at ${redisUrl}`);
    continue;
  }
  await withBenchDatabase('gapal_bench_rt', ({ url }) =>
    withBenchServer(
      {
        databaseUrl: url,
        env: {
          DATABASE_POOL_SIZE: '20',
          WS_AUTH_TIMEOUT_SECONDS: '120',
          ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        },
        exposeGc: true,
      },
      (server) => runOnce(server, url, bus),
    ),
  );
}

async function runOnce(server: BenchServer, databaseUrl: string, bus: string): Promise<void> {
  const sockets: WebSocket[] = [];
  try {
    const { siteId, tokens } = await withClient(databaseUrl, async (db) => {
      const siteId = await firstSiteId(db);
      const signer = benchSigner();
      const tokens: string[] = [];
      for (let i = 0; i < USERS; i += 1) {
        const user = await db.query<{ id: string }>(
          `INSERT INTO users (username, full_name, role, site_id, password_hash)
           VALUES ($1, 'Bench', 'gestionnaire_stocks', $2, 'x') RETURNING id`,
          [`bench${i}`, siteId],
        );
        tokens.push(
          await signer.signAccess({
            userId: user.rows[0]!.id,
            role: 'gestionnaire_stocks',
            siteId,
            deviceId: null,
          }),
        );
      }
      return { siteId, tokens };
    });

    const stats = () => server.request<{ rss: number; heap: number }>({ type: 'memory' });
    const { rss: rssBefore } = await stats();
    const lastRound = new Int32Array(SOCKETS).fill(-1);
    const latencies: number[][] = [];
    const url = `ws://127.0.0.1:${server.port}/api/ws/`;
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
      await server.request({ type: 'broadcast', siteId, round });
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
    console.log(
      `[${bus}] sockets held: ${sockets.filter((s) => s.readyState === WebSocket.OPEN).length}/${SOCKETS}, opened and authenticated in ${connectSeconds.toFixed(1)} s (${Math.round(SOCKETS / connectSeconds)}/s)`,
    );
    console.log(
      `[${bus}] server memory: rss +${((rssAfter - rssBefore) / 1024 / 1024).toFixed(0)} MiB (${((rssAfter - rssBefore) / SOCKETS / 1024).toFixed(1)} KiB per socket), heap ${(heap / 1024 / 1024).toFixed(0)} MiB`,
    );
    console.log(
      `[${bus}] broadcast to all ${SOCKETS}: last socket p50 ${ms(percentile(lastDelivery, 0.5))}, p95 ${ms(percentile(lastDelivery, 0.95))}, max ${ms(Math.max(...lastDelivery))}; median socket p50 ${ms(percentile(medians, 0.5))}`,
    );
  } finally {
    for (const socket of sockets) socket.terminate();
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
