/**
 * The bench server's child process (started by `startBenchServer`): loads the configuration from
 * the JSON in argv, migrates and bootstraps the database, listens on a loopback port and sends it
 * to the parent, then answers the parent's requests until `close`.
 */
import { buildApp } from '../../apps/server/src/app.ts';
import { bootstrap } from '../../apps/server/src/bootstrap/bootstrap.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { openDatabase } from '../../apps/server/src/db/client.ts';
// Also brings the `app.bus` decoration's type into this program.
import type { EventBus } from '../../apps/server/src/realtime/bus.ts';
import { siteChannel } from '../../apps/server/src/realtime/channels.ts';

export type ServeOptions = { env: Record<string, string> };

export type BenchRequest = { id?: number } & (
  | { type: 'close' }
  /** CPU time (ms, user + system) the server process has used so far. */
  | { type: 'cpu' }
  /** Resident and heap memory (bytes), after a collection when the process exposes gc. */
  | { type: 'memory' }
  /** A stored-notification-sized message to a site, stamped `sent_at` when it leaves for the bus. */
  | { type: 'broadcast'; siteId: string; round: number }
);

const { env } = JSON.parse(process.argv[2]!) as ServeOptions;
const config = loadConfig(env);
const database = await openDatabase(config.database);
await database.migrate();
const app = await buildApp(config, database, { logger: false });
await bootstrap(app.writes, config);
await app.listen({ port: 0, host: '127.0.0.1' });
const bus: EventBus = app.bus;
const address = app.server.address();
process.send!({ port: typeof address === 'object' && address ? address.port : 0 });

process.on('message', async (request: BenchRequest & { id: number }) => {
  const reply = (result: unknown) => process.send!({ id: request.id, result });
  if (request.type === 'cpu') {
    const cpu = process.cpuUsage();
    reply((cpu.user + cpu.system) / 1000);
  } else if (request.type === 'memory') {
    global.gc?.();
    const memory = process.memoryUsage();
    reply({ rss: memory.rss, heap: memory.heapUsed });
  } else if (request.type === 'broadcast') {
    await bus.publish({
      channels: [siteChannel(request.siteId)],
      message: {
        type: 'notification',
        notification: {
          id: String(request.round),
          kind: 'stock_bas',
          code: 'stock_bas',
          params: { product_name: 'Yaourt nature 500 ml', unit: 'pot', quantity: 3, min_stock_level: 10 },
          title: 'Stock bas : Yaourt nature 500 ml',
          body: '3 pot en stock (seuil d’alerte 10)',
          site_id: request.siteId,
          data: { round: request.round, sent_at: performance.timeOrigin + performance.now() },
          created_at: new Date().toISOString(),
          read_at: null,
        },
      },
    });
    reply(request.round);
  } else if (request.type === 'close') {
    await app.close();
    await database.close();
    process.send!('closed', () => process.exit(0));
  }
});
