import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Route → service → repo: SQL lives in `*.repo.ts` files, `db/` (the client, the schema, the SQL
 * helpers) and `ops/` (backup, restore, ledger checks) only. Every other module of the server is
 * parsed (TypeScript's parser, not a grep) and refused when it
 *   - imports a value from `drizzle-orm` (`sql`, `eq`, `and`…; types such as `SQL` are fine),
 *   - imports a value from `db/schema.ts` (the tables) or `db/sql-helpers.ts`,
 *   - imports `queryPrepared`, `selectRows` or `keyIn` from `db/client.ts`, or a driver (`pg`, PGlite),
 *   - calls `select`, `selectDistinct`, `insert`, `update`, `delete` or `execute` on a database
 *     handle (`db`, `tx`, `ctx.tx`, `deps.db`…), or Drizzle's relational `findFirst`/`findMany`.
 * The server's modules also import each other without a cycle.
 */

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

const DRIZZLE = /^drizzle-orm(\/|$)/;
const DRIVERS = new Set(['pg', '@electric-sql/pglite']);
const CLIENT_SQL_EXPORTS = new Set(['queryPrepared', 'selectRows', 'keyIn']);
const QUERY_METHODS = new Set(['select', 'selectDistinct', 'insert', 'update', 'delete', 'execute']);
const DB_HANDLES = /^(db|tx|trx|database)$/;

/** Where SQL belongs (paths relative to src/, with `/`). */
function mayHoldSql(file: string): boolean {
  return file.endsWith('.repo.ts') || file.startsWith('db/') || file.startsWith('ops/');
}

function isTestCode(file: string): boolean {
  return file.endsWith('.test.ts') || file.endsWith('test-helpers.ts');
}

/** The names a declaration imports as values (`import type` and `type X` bindings left out). */
function valueBindings(declaration: ts.ImportDeclaration): string[] {
  const clause = declaration.importClause;
  if (!clause || clause.isTypeOnly) return [];
  const names: string[] = [];
  if (clause.name) names.push('default');
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) names.push('*');
  if (bindings && ts.isNamedImports(bindings)) {
    for (const element of bindings.elements) {
      if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
    }
  }
  return names;
}

/** The last name of a receiver: `db` for `db`, `tx` for `ctx.tx`, `db` for `deps.db`. */
function handleName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

/** What in `text` (module `file`, relative to src/) runs or builds SQL: one line per finding. */
function sqlFindings(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: string[] = [];
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const resolved = (specifier: string) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));

  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier.text;
    const values = valueBindings(statement);
    if (values.length === 0) continue;
    const target = specifier.startsWith('.') ? resolved(specifier) : specifier;
    let names: string[] = [];
    if (DRIZZLE.test(specifier) || DRIVERS.has(specifier)) names = values;
    else if (target === 'db/schema.ts' || target === 'db/sql-helpers.ts') names = values;
    else if (target === 'db/client.ts') names = values.filter((name) => CLIENT_SQL_EXPORTS.has(name));
    if (names.length > 0)
      findings.push(`${file}:${line(statement)} imports ${names.join(', ')} from ${specifier}`);
  }

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression;
      if (QUERY_METHODS.has(method) && DB_HANDLES.test(handleName(receiver) ?? '')) {
        findings.push(`${file}:${line(node)} calls ${receiver.getText(source)}.${method}()`);
      }
      if (
        (method === 'findFirst' || method === 'findMany') &&
        /\.query\.\w+$/.test(receiver.getText(source))
      ) {
        findings.push(`${file}:${line(node)} calls ${receiver.getText(source)}.${method}()`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

/** Relative paths (with `/`) of the server's modules, tests included. */
function serverModules(dir = SRC, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return serverModules(path.join(dir, entry.name), relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

/** The server modules `file` imports at run time (type-only imports leave nothing behind). */
function runtimeImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const imports: string[] = [];
  for (const statement of source.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (!specifier?.startsWith('.')) continue;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      // A bare `import './x.ts'` runs the module; a clause of types only does not.
      if (clause && valueBindings(statement).length === 0) continue;
    } else if (ts.isExportDeclaration(statement) && statement.isTypeOnly) continue;
    imports.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
  }
  return imports;
}

/** Every cycle's modules (strongly connected components of more than one module, or a self-import). */
function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return cycles;
}

/**
 * Module state the server may keep: each entry derives only from code, fonts or the clock, never
 * from a database, a request or a user, so two apps in one process (tests, a restore) can't see
 * each other through it. Anything else lives in what `buildApp` makes (its deps).
 */
const ALLOWED_MODULE_STATE = new Set([
  'db/data-dir-lock.ts held', // the data directories this process holds, a process fact
  'features/auth/passwords.ts dummyHashes', // a throwaway hash per scrypt cost
  'features/orders/order-list.repo.ts statements', // statement texts by list shape
  'features/orders/order-search.repo.ts sampleText', // a statement text
  'features/orders/order-search.repo.ts chosenByDatabase', // the search word the index reads, per database
  'features/reports/render/format.ts partFormats', // Intl formatters by time zone
  'features/reports/render/format.ts offsets', // time zone offsets by hour
  'features/reports/render/pdf-fonts.ts loaded', // the parsed fonts
  'features/reports/render/pdf-text.ts drawable', // which characters the fonts draw
  'lib/dates.ts dayFormatters', // Intl formatters by time zone
  'metrics/metrics.ts processRegistry', // the process's CPU, memory and GC metrics
  'realtime/hub.ts NO_CLIENTS', // an empty ReadonlySet, never written
]);

/**
 * Top-level `let`s and top-level containers made empty (`new Map()`, `new Set()`, `[]`…): the
 * places a module can keep state between calls. One line per finding: `<file> <name>`.
 */
function moduleState(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const isLet = (statement.declarationList.flags & ts.NodeFlags.Let) !== 0;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      const emptyContainer =
        init !== undefined &&
        ((ts.isNewExpression(init) && (init.arguments?.length ?? 0) === 0) ||
          (ts.isArrayLiteralExpression(init) && init.elements.length === 0));
      if ((isLet || emptyContainer) && ts.isIdentifier(declaration.name))
        found.push(`${file} ${declaration.name.text}`);
    }
  }
  return found;
}

describe('layering', () => {
  const modules = serverModules().map((file) => ({ file, text: readFileSync(path.join(SRC, file), 'utf8') }));

  it('runs SQL only in repositories, db/ and ops/', () => {
    const findings = modules
      .filter(({ file }) => !mayHoldSql(file) && !isTestCode(file))
      .flatMap(({ file, text }) => sqlFindings(file, text));
    expect(findings, 'move these queries into the slice’s *.repo.ts').toEqual([]);
  });

  it('has no import cycle between the server’s modules', () => {
    const graph = new Map(modules.map(({ file, text }) => [file, runtimeImports(file, text)]));
    expect(importCycles(graph)).toEqual([]);
  });

  it('finds each kind of SQL outside a repository, and nothing else', () => {
    const service = 'features/things/things.service.ts';
    const findings = sqlFindings(
      service,
      [
        `import { and, eq, type SQL } from 'drizzle-orm';`,
        `import type { Column } from 'drizzle-orm';`,
        `import { things } from '../../db/schema.ts';`,
        `import type { users } from '../../db/schema.ts';`,
        `import { type Db, openDatabase, queryPrepared } from '../../db/client.ts';`,
        `import { isoText } from '../../db/sql-helpers.ts';`,
        `import pg from 'pg';`,
        `export async function run(db: Db, ctx: { tx: Db }, deps: { db: Db }, cache: Map<string, number>) {`,
        '  await ctx.tx.insert(things);',
        '  await deps.db.execute(raw);',
        '  await db.select().from(things);',
        '  await db.query.things.findFirst();',
        "  cache.delete('key');",
        '  list.select(3);',
        '}',
      ].join('\n'),
    );
    expect(findings).toEqual([
      `${service}:1 imports and, eq from drizzle-orm`,
      `${service}:3 imports things from ../../db/schema.ts`,
      `${service}:5 imports queryPrepared from ../../db/client.ts`,
      `${service}:6 imports isoText from ../../db/sql-helpers.ts`,
      `${service}:7 imports default from pg`,
      `${service}:9 calls ctx.tx.insert()`,
      `${service}:10 calls deps.db.execute()`,
      `${service}:11 calls db.select()`,
      `${service}:12 calls db.query.things.findFirst()`,
    ]);
    expect(mayHoldSql('features/things/things.repo.ts')).toBe(true);
    expect(mayHoldSql('db/client.ts')).toBe(true);
    expect(mayHoldSql(service)).toBe(false);
  });

  it('keeps no state in modules beyond the allowed caches', () => {
    const found = modules
      .filter(({ file }) => !isTestCode(file))
      .flatMap(({ file, text }) => moduleState(file, text));
    expect(
      found.filter((entry) => !ALLOWED_MODULE_STATE.has(entry)),
      'keep it in what buildApp makes (deps), or add it to ALLOWED_MODULE_STATE with why it is safe',
    ).toEqual([]);
    // The allowance lists only what is there.
    expect([...ALLOWED_MODULE_STATE].filter((entry) => !found.includes(entry))).toEqual([]);
  });

  it('finds top-level lets and empty containers, and no constants', () => {
    const text = [
      'let counter = 0;',
      'const cache = new Map<string, number>();',
      'const seen: string[] = [];',
      "const NAMES = new Set(['a', 'b']);",
      'const LIMIT = 3;',
      'export function f() { let local = 1; const inner = new Map(); return local + inner.size; }',
    ].join('\n');
    expect(moduleState('x.ts', text)).toEqual(['x.ts counter', 'x.ts cache', 'x.ts seen']);
  });

  it('finds a cycle of imports, and only a cycle', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts', 'd.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
    expect(
      runtimeImports('x/y.ts', "import type { A } from './a.ts';\nimport { b } from '../b.ts';"),
    ).toEqual(['b.ts']);
  });
});
