#!/usr/bin/env node
// `npm run lint` step: every package a file imports is declared in the package.json of the
// workspace that holds the file, so an install of that workspace alone has what it runs.
//   - the server's and the shared package's run-time modules (src/, not tests, test helpers or dev
//     tools) import only their workspace's `dependencies`: the production install omits the rest;
//   - the web app is bundled at build time: it has no `dependencies` at all (everything it imports
//     is a devDependency, so a production install of the server never installs React);
//   - everything else (tests, configs, benches, scripts) imports its workspace's dependencies or
//     devDependencies, or the root's devDependencies (the tools every workspace shares: vitest…).
// Type-only imports are ignored (they leave nothing at run time). Exit 1 listing every problem.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ts = createRequire(import.meta.url)('typescript');
const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'data',
  'out',
  '.git',
  '.screenshots',
  'coverage',
  'public',
]);
const BUILTINS = new Set(builtinModules);

/** `runtime`: which of the workspace's files must import `dependencies` only. */
const WORKSPACES = [
  { dir: 'packages/shared', runtime: isRuntimeModule },
  { dir: 'packages/sync-client', runtime: isRuntimeModule },
  { dir: 'apps/server', runtime: isRuntimeModule },
  { dir: 'apps/web', runtime: () => false, bundled: true },
  // The root: benches, browser tests, scripts and configs (devDependencies only, nothing ships).
  { dir: '.', runtime: () => false, skip: new Set(['apps', 'packages']) },
];

/** A module of src/ that production runs: not a test, a test helper or a development tool. */
function isRuntimeModule(file) {
  return (
    file.startsWith('src/') &&
    !/\.test\.[jt]sx?$/.test(file) &&
    !/(?:^|\/)test-helpers\.ts$/.test(file) &&
    // Development tools in src/ (the OpenAPI lint and type generation), kept out of the build.
    !/^src\/ops\/openapi-[^/]+\.ts$/.test(file)
  );
}

function listFiles(dir, skip = new Set(), prefix = '') {
  const files = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !skip.has(relative) && !entry.name.startsWith('.')) {
        files.push(...listFiles(dir, skip, relative));
      }
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      files.push(relative);
    }
  }
  return files;
}

/** The bare package names a file imports at run time (`import type` and `export type` left out). */
export function importedPackages(text, fileName) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const names = new Set();
  const add = (specifier) => {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return;
    if (specifier.startsWith('virtual:') || specifier.startsWith('#')) return;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    if (!BUILTINS.has(name)) names.add(name);
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)
          ? clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)
          : false);
      if (!typeOnly) add(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) add(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0]) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

function readManifest(dir) {
  return JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
}

const rootManifest = readManifest('.');
const rootDev = new Set(Object.keys(rootManifest.devDependencies ?? {}));
const problems = [];
/** `where|name|what` → the files importing it: one line per missing declaration. */
const missing = new Map();
for (const workspace of WORKSPACES) {
  const manifest = readManifest(workspace.dir);
  const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
  const devDependencies = new Set(Object.keys(manifest.devDependencies ?? {}));
  const where = workspace.dir === '.' ? 'package.json' : `${workspace.dir}/package.json`;
  if (workspace.bundled && dependencies.size > 0) {
    problems.push(
      `${where}: the app is bundled at build time, make these devDependencies: ${[...dependencies].join(', ')}`,
    );
  }
  const base = path.join(root, workspace.dir);
  for (const file of listFiles(base, workspace.skip)) {
    const shown = workspace.dir === '.' ? file : `${workspace.dir}/${file}`;
    const runtime = workspace.runtime(file);
    for (const name of importedPackages(readFileSync(path.join(base, file), 'utf8'), file)) {
      if (name === manifest.name) continue;
      let what = null;
      if (runtime && !dependencies.has(name)) {
        what = devDependencies.has(name)
          ? 'dependencies (it is a devDependency, which a production install omits)'
          : 'dependencies';
      } else if (!runtime && !dependencies.has(name) && !devDependencies.has(name) && !rootDev.has(name)) {
        what =
          workspace.dir === '.'
            ? 'devDependencies'
            : "dependencies or devDependencies (or the root's devDependencies)";
      }
      if (what) {
        const key = `${where}|${name}|${what}`;
        missing.set(key, [...(missing.get(key) ?? []), shown]);
      }
    }
  }
}
for (const [key, files] of missing) {
  const [where, name, what] = key.split('|');
  const more = files.length > 1 ? ` and ${files.length - 1} more` : '';
  problems.push(`${where}: ${name} missing from ${what}, imported by ${files[0]}${more}`);
}

if (problems.length > 0) {
  console.error(`Undeclared dependencies (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('Dependencies: every import is declared where it is imported.');
