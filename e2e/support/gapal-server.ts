import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../apps/server/src/app.ts';
import { bootstrap } from '../../apps/server/src/bootstrap/bootstrap.ts';
import { loadConfig } from '../../apps/server/src/config.ts';
import { openTestDatabase } from '../../apps/server/test/harness.ts';

export const ADMIN = { username: 'admin', password: 'admin-e2e-password' };

export const WEB_DIST = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));

export type GapalServer = { url: string; close(): Promise<void> };

/**
 * A real Gapal: the built dashboard and the API on a fresh database (a copy of the run's migrated
 * template, as in the server tests: test/global-setup.ts), its files (voice notes) in a temp data
 * dir, on a random loopback port. Only the first admin exists; each test seeds what it needs
 * through the API. `webDist` serves another copy of the built app (a test that deploys a "new
 * version" edits its own copy, never the one other files' servers serve).
 */
export async function startGapal(options: { webDist?: string } = {}): Promise<GapalServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gapal-e2e-'));
  const config = loadConfig({
    GAPAL_DATA_DIR: dataDir,
    JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
    GAPAL_DEMO_DATA: 'false',
    GAPAL_ADMIN_USERNAME: ADMIN.username,
    GAPAL_ADMIN_PASSWORD: ADMIN.password,
    GAPAL_WEB_DIST: options.webDist ?? WEB_DIST,
    LOG_LEVEL: 'silent',
    LOGIN_IP_MAX_PER_MINUTE: '100000',
    LOGIN_MAX_FAILURES: '1000',
    PASSWORD_SCRYPT_N: '1024',
  });
  const { database, drop } = await openTestDatabase();
  const app = await buildApp(config, database, { logger: false });
  await bootstrap(app.writes, config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await app.close();
      await database.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
