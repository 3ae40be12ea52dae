import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProduct } from '../src/features/orders/test-helpers.ts';
import { openApiTypes } from '../src/ops/openapi-document.ts';
import { createUser, unique } from './factories.ts';
import { api, useTestApp } from './harness.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLIENT = path.join(ROOT, 'scripts', 'openapi-client');

/**
 * The document serves a client no one here wrote: types generated from the live document by
 * openapi-typescript, the client script (scripts/openapi-client/create-order.ts) compiled
 * against them with tsc, then run against the server listening on a real port.
 */
describe('a client generated from the OpenAPI document', () => {
  const t = useTestApp();
  let baseUrl = '';

  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  it('compiles, signs in, creates an order, reads it back and gets the documented 404', async () => {
    const vendor = await createUser(t, 'vendeur');
    const product = await createProduct(t, { name: unique('Lait caillé '), unitPrice: 750 });

    const served = await fetch(`${baseUrl}/api/docs/json`);
    expect(served.status).toBe(200);
    const document = (await served.json()) as Record<string, unknown>;

    // Inside the repository, so that the copy resolves openapi-fetch and @types/node as the original does.
    const cache = path.join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(path.join(cache, 'gapal-openapi-client-'));
    try {
      writeFileSync(path.join(dir, 'gapal-api.ts'), await openApiTypes(document));
      for (const file of ['create-order.ts', 'tsconfig.json']) {
        copyFileSync(path.join(CLIENT, file), path.join(dir, file));
      }
      // Under node_modules the root package.json no longer applies: say the script is ESM.
      writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');

      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const compiled = await run(process.execPath, [tsc, '-p', dir]).catch((error) => error);
      expect(compiled.stdout, 'tsc output').toBe('');

      const script = path.join(dir, 'create-order.ts');
      const args = [baseUrl, vendor.username, vendor.password, product.name];
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT });
      const { created_status, order } = JSON.parse(stdout.trim().split('\n').at(-1)!);

      expect(created_status).toBe(201);
      expect(order.created_by).toBe(vendor.id);
      expect(order.client_name).toBe('Client du document OpenAPI');
      expect(order.items).toEqual([
        expect.objectContaining({ product_id: product.id, quantity: 2, unit_price: 750 }),
      ]);
      // The order exists on the server, as the app itself reads it.
      const admin = await createUser(t, 'admin', { siteId: null });
      const login = await api(t, 'POST', '/api/auth/login/', {
        body: { username: admin.username, password: admin.password },
      });
      const stored = await api(t, 'GET', `/api/orders/${order.id}/`, { token: login.body.access_token });
      expect(stored.status).toBe(200);
      expect(stored.body.number).toBe(order.number);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
