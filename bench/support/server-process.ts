/**
 * How a bench runs its server process: `BENCH_SERVER=compiled` runs the compiled JavaScript, as
 * production does (`npm run build -w @gapal/server` first), instead of the TypeScript sources
 * through tsx; and the process's resident memory, sampled while the bench runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export type ServerBuild = 'tsx' | 'compiled';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** `BENCH_SERVER`: `compiled`, or `tsx` (the default: no build needed). */
export function serverBuild(): ServerBuild {
  const value = process.env.BENCH_SERVER ?? 'tsx';
  if (value !== 'tsx' && value !== 'compiled') throw new Error(`BENCH_SERVER=${value}: tsx or compiled`);
  return value;
}

/**
 * Node's arguments for a server process of this build: compiled, those of apps/server's
 * `npm start` (its memory flags included), so a bench measures the server production runs.
 */
export function serverExecArgv(build: ServerBuild): string[] {
  return build === 'compiled' ? productionStart().nodeFlags : ['--import', 'tsx'];
}

/** The environment a server process of this build adds: compiled, that of `npm start`. */
export function serverEnv(build: ServerBuild): Record<string, string> {
  return build === 'compiled' ? productionStart().env : {};
}

/**
 * What apps/server's `npm start` puts around its entry point, read from its package.json
 * (`VAR=value … node --flag … dist/server.js`): the variables and Node's flags.
 */
export function productionStart(): { env: Record<string, string>; nodeFlags: string[] } {
  const manifest = JSON.parse(readFileSync(`${REPO}apps/server/package.json`, 'utf8')) as {
    scripts: { start: string };
  };
  const words = manifest.scripts.start.split(/\s+/).filter(Boolean);
  const env = Object.fromEntries(
    words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split('=', 2) as [string, string]),
  );
  const nodeFlags = words.filter((word) => word.startsWith('--'));
  if (!nodeFlags.includes('--conditions=gapal-compiled')) {
    throw new Error(
      `apps/server's start script no longer runs the compiled server: ${manifest.scripts.start}`,
    );
  }
  return { env, nodeFlags };
}

/** Builds the server to apps/server/dist (and @gapal/shared to its dist). */
export function buildServer(): void {
  const result = spawnSync('npm', ['run', 'build', '-w', '@gapal/server'], { cwd: REPO, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build -w @gapal/server exited with ${result.status}`);
}

/**
 * The module to fork for `bench/support/NAME.ts`: itself under tsx, or, compiled, its JavaScript
 * (TypeScript's transpiler, in bench/out/) importing the server's compiled modules in
 * apps/server/dist instead of its sources, so no TypeScript loader runs in the process.
 */
export function serverModule(name: string, build: ServerBuild): string {
  const source = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (build === 'tsx') return source;
  const serverSrc = pathToFileURL(`${REPO}apps/server/src/`).href;
  const serverDist = pathToFileURL(`${REPO}apps/server/dist/`).href;
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    fileName: source,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      rewriteRelativeImportExtensions: true,
    },
  });
  const code = outputText.replace(/(['"])((?:\.\.\/)+apps\/server\/src\/[^'"]+)\.js\1/g, (_, quote, path) => {
    const absolute = new URL(path, pathToFileURL(source)).href;
    if (!absolute.startsWith(serverSrc)) throw new Error(`unexpected import ${path} in ${name}.ts`);
    return `${quote}${serverDist}${absolute.slice(serverSrc.length)}.js${quote}`;
  });
  if (/from ['"]\.\.?\//.test(code)) throw new Error(`${name}.ts imports a module outside the server`);
  const outDir = `${REPO}bench/out`;
  mkdirSync(outDir, { recursive: true });
  const target = `${outDir}/${name}.compiled.mjs`;
  writeFileSync(target, code);
  return target;
}

/** Resident memory of process `pid` in bytes (VmRSS), or undefined once it has exited. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples `pid`'s resident memory every `everyMs` until `stop()`, which returns the peak. */
export function sampleResident(pid: number, everyMs = 100): { stop(): number } {
  let peak = residentBytes(pid) ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid) ?? 0);
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, residentBytes(pid) ?? 0);
      return peak;
    },
  };
}

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
