/**
 * `npm run bench [NAME…]`: runs `bench/NAME.bench.ts` (every benchmark when no name is given)
 * against the PostgreSQL in DATABASE_URL. Each benchmark creates and drops its own database.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0 || available.length === 0) {
  console.error(
    `Unknown benchmark: ${unknown.join(', ') || '(none found)'}. Available: ${available.join(', ')}`,
  );
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : available) {
  console.log(`\n=== bench ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.bench.ts`)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
