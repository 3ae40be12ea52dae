import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Data dirs this process holds: the pid in the file alone can't tell us from a previous life. */
const held = new Set<string>();

/**
 * PGlite has no postmaster: two processes (or two handles in one) opening the same data dir
 * would both write to it and corrupt it. A `<dir>.lock` file holding the owner's pid keeps a
 * second server, or a backup, out while the first runs. A lock left by a process that is gone
 * (power cut, kill -9) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  const key = path.resolve(dir);
  const file = `${key}.lock`;
  if (held.has(key)) throw new DataDirInUseError(dir, process.pid);
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      held.add(key);
      return () => releaseLock(key, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (owner !== process.pid && ownsLock(owner, file)) throw new DataDirInUseError(dir, owner);
    unlinkSync(file);
  }
  throw new DataDirInUseError(dir, Number.NaN);
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`The database in ${dir} is in use by process ${pid}: stop Gapal first.`);
  }
}

function releaseLock(key: string, file: string): void {
  held.delete(key);
  try {
    if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/**
 * After a reboot the pid may belong to anything: the owner must be alive, a node process, and
 * have started before the lock file was written.
 */
function ownsLock(pid: number, file: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc/self/stat')) return true;
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node')) return false;
    const startedAt = processStartMs(pid);
    return startedAt === undefined || startedAt <= statSync(file).mtimeMs + 1000;
  } catch {
    return false;
  }
}

function processStartMs(pid: number): number | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]);
  const bootLine = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('btime '));
  if (!bootLine || !Number.isFinite(startTicks)) return undefined;
  // USER_HZ is 100 on every Linux that Node supports.
  return Number(bootLine.slice(6)) * 1000 + (startTicks / 100) * 1000;
}
