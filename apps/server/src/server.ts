import { buildApp } from './app.ts';
import { bootstrap } from './bootstrap/bootstrap.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const database = await openDatabase(config.database);
  await database.migrate();
  const app = await buildApp(config, database, { jobs: true });
  const report = await database.exclusive(() => bootstrap(app.writes, config));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    try {
      await app.close();
      await database.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  printBanner(`http://localhost:${port}/`, database.kind, report);
}

function printBanner(url: string, databaseKind: string, report: Awaited<ReturnType<typeof bootstrap>>): void {
  const lines = [
    '',
    `Gapal is running at ${url}  (database: ${databaseKind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'})`,
    `API documentation: ${url}api/docs`,
  ];
  if (report.createdAdmin) lines.push(`First admin created: ${report.createdAdmin}`);
  if (report.demoLogins.length > 0) {
    lines.push('Demo logins (created on this first start):');
    for (const login of report.demoLogins) {
      lines.push(`  ${login.role.padEnd(24)} ${login.username.padEnd(12)} ${login.password}`);
    }
  }
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error('Gapal failed to start:', error);
  process.exit(1);
});
