import { spawn } from 'node:child_process';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/client.ts';

/** `gapal-<kind>-<UTC stamp>.<ext>`: sorts by date, and restore tells the kind from the content. */
const BACKUP_NAME = /^gapal-(postgres|pglite)-(\d{8}T\d{6}Z)\.(pgdump|tar\.gz)$/;
/** Whatever their age, the newest backups are never pruned (a box switched off for a month). */
const ALWAYS_KEEP = 3;

export type BackupResult = { file: string; bytes: number; pruned: string[] };

/**
 * A consistent dump of the configured database into `dir` (default: config.backup.dir):
 * pg_dump's custom format for PostgreSQL (a snapshot, taken while the server runs), or the data
 * dir of the embedded PGlite (the server must be stopped; its lock file refuses otherwise).
 * The file appears under its final name only once complete and on disk, so a power cut during
 * a backup never leaves a truncated file that looks good.
 */
export async function createBackup(
  config: Config,
  options: { dir?: string; now?: Date } = {},
): Promise<BackupResult> {
  const dir = options.dir ?? config.backup.dir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const database = config.database;
  const file =
    database.kind === 'postgres'
      ? path.join(dir, `gapal-postgres-${stamp}.pgdump`)
      : path.join(dir, `gapal-pglite-${stamp}.tar.gz`);
  const partial = `${file}.partial`;
  try {
    if (database.kind === 'postgres') await runPgDump(database.url, partial);
    else await dumpPglite(database.dataDir, partial);
    durableRename(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return { file, bytes: statSync(file).size, pruned: pruneBackups(dir, config.backup.keepDays) };
}

async function runPgDump(url: string, target: string): Promise<void> {
  const { url: safeUrl, env } = libpqEnv(url);
  await run('pg_dump', ['--format=custom', '--compress=6', `--file=${target}`, `--dbname=${safeUrl}`], env);
}

async function dumpPglite(dataDir: string, target: string): Promise<void> {
  if (!isNonEmptyDir(dataDir)) throw new Error(`No embedded database in ${dataDir}`);
  // Opening takes the data dir lock, so this fails while a server has it open.
  const database = await openDatabase({ kind: 'pglite', dataDir });
  try {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const dump = await client.dumpDataDir('gzip');
    await writeFile(target, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
  } finally {
    await database.close();
  }
}

/** Deletes backups older than `keepDays`, always keeping the newest few. */
export function pruneBackups(dir: string, keepDays: number, now = Date.now()): string[] {
  const backups = readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .map((name) => ({ name, at: stampTime(BACKUP_NAME.exec(name)![2]!) }))
    .sort((a, b) => b.at - a.at);
  const pruned: string[] = [];
  for (const backup of backups.slice(ALWAYS_KEEP)) {
    if (now - backup.at > keepDays * 86_400_000) {
      rmSync(path.join(dir, backup.name));
      pruned.push(backup.name);
    }
  }
  return pruned;
}

function stampTime(stamp: string): number {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp)!;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

export function isNonEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** The password goes through the environment, not the command line that `ps` shows. */
export function libpqEnv(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', (error) =>
      reject(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(
              `${command} not found: install the PostgreSQL client (apt-get install postgresql-client)`,
            )
          : error,
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

function durableRename(from: string, to: string): void {
  const fd = openSync(from, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(from, to);
  const dirFd = openSync(path.dirname(to), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
