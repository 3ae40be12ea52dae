#!/usr/bin/env node
// Runs a command with DATABASE_URL pointing at a PostgreSQL server (the local one by default).
// The tests and benchmarks create and drop their own databases on it.
import { spawnSync } from 'node:child_process';

const url =
  process.env.DATABASE_URL || process.env.GAPAL_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-postgres.mjs COMMAND [ARGS…]');
  process.exit(2);
}
const result = spawnSync(command, args, {
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, DATABASE_URL: url },
});
process.exit(result.status ?? 1);
