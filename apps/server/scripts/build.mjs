#!/usr/bin/env node
// `npm run build -w @gapal/server`: the server as JavaScript in apps/server/dist, which production
// runs (`node --conditions=gapal-compiled dist/server.js`). First the workspace packages the server
// imports (@gapal/shared, to its dist with types, chosen by the `gapal-compiled` export condition),
// then the server's own sources, laid out as in src/ so the paths it reads relative to a module
// (../../drizzle, ../../web/dist, SQL files next to their module) resolve from dist/ as from src/.
// Files in src/ that are not TypeScript (SQL sources) are copied beside the compiled modules.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project) {
  const result = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Empties `dir` but for `keep` (dist/types holds the declarations `tsc -b` writes for the typecheck). */
function clean(dir, keep) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name !== keep) rmSync(path.join(dir, entry.name), { recursive: true, force: true });
  }
}

for (const dir of [path.join(server, '../../packages/shared/dist'), path.join(server, 'dist')]) {
  try {
    clean(dir, 'types');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
}
compile(path.join(server, '../../packages/shared/tsconfig.build.json'));
compile(path.join(server, 'tsconfig.build.json'));
cpSync(path.join(server, 'src'), path.join(server, 'dist'), {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});
