#!/usr/bin/env node
// Fails when src/db/schema.ts and the committed migrations disagree: drizzle-kit is asked to
// generate into a scratch copy of drizzle/, and any new migration it writes is a difference.
// Then fails when the functions and triggers of a freshly migrated database are not exactly those
// of src/db/functions/, or when a migration after 0014 creates one (src/db/sql-sources-check.ts).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'gapal-migrations-'));
try {
  cpSync(path.join(root, 'drizzle'), scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  const result = spawnSync(
    'npx',
    [
      'drizzle-kit',
      'generate',
      '--dialect',
      'postgresql',
      '--schema',
      './src/db/schema.ts',
      '--out',
      scratch,
      '--name',
      'pending',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
  const added = readdirSync(scratch).filter((file) => !before.has(file) && file.endsWith('.sql'));
  if (added.length > 0) {
    console.error('The schema and the migrations disagree. Run `npm run db:generate -- --name <change>`.');
    console.error(readFileSync(path.join(scratch, added[0]), 'utf8'));
    process.exit(1);
  }
  console.log('Schema and migrations agree.');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const { checkSqlSources } = await tsImport('../src/db/sql-sources-check.ts', import.meta.url);
const problems = await checkSqlSources();
if (problems.length > 0) {
  console.error('The database functions and triggers disagree with src/db/functions/ (see its README.md):');
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log('Database functions and triggers are those of src/db/functions/.');
