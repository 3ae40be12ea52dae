import path from 'node:path';
import { ConfigError, loadConfig } from '../config.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { createBackup } from './backup.ts';
import { RestoreRefusedError, restoreBackup } from './restore.ts';

const USAGE = `usage:
  npm run backup                      dump the configured database to GAPAL_BACKUP_DIR
  npm run restore -- FILE [--force]   restore FILE into the configured database
                                      (refused if it is not empty, unless --force)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // These tools never sign a token: don't let loading the config create a secret file.
  const config = loadConfig({ ...process.env, JWT_SECRET: process.env.JWT_SECRET || 'x'.repeat(32) });
  if (command === 'backup' && rest.length === 0) {
    const result = await createBackup(config);
    console.log(`Backup written: ${result.file} (${(result.bytes / 1024).toFixed(0)} KiB)`);
    for (const name of result.pruned) console.log(`Old backup removed: ${name}`);
    return 0;
  }
  if (command === 'restore') {
    const force = rest.includes('--force');
    const files = rest.filter((arg) => arg !== '--force');
    if (files.length !== 1) {
      console.error(USAGE);
      return 2;
    }
    // npm runs the script in the workspace: resolve FILE against where the user typed it.
    const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), files[0]!);
    const result = await restoreBackup(config, file, { force });
    if (result.movedAside) console.log(`Previous database kept in ${result.movedAside}`);
    console.log(`Restored ${result.kind} backup ${file} (${result.migrations} migrations)`);
    console.log(
      Object.entries(result.counts)
        .map(([table, n]) => `  ${table.padEnd(16)} ${n}`)
        .join('\n'),
    );
    if (result.problems.length > 0) {
      console.error(`Ledger check FAILED (${result.problems.length} problems):`);
      for (const problem of result.problems.slice(0, 20))
        console.error(`  ${problem.kind} ${JSON.stringify(problem.detail)}`);
      return 1;
    }
    console.log('Ledger check passed: stock = movements = lots, chains unbroken, orders whole.');
    return 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known =
      error instanceof ConfigError ||
      error instanceof RestoreRefusedError ||
      error instanceof DataDirInUseError;
    console.error(known ? (error as Error).message : error);
    process.exit(known ? 2 : 1);
  },
);
