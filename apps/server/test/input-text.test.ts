import { ClientMessageSchema, SyncMutationArgsSchemas } from '@gapal/shared';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { useTestApp } from './harness.ts';
import { checkTextFields } from './schema-text-fields.ts';

/**
 * Every string a client sends is text without control characters (`singleLineText` /
 * `multiLineText` in packages/shared): a NUL used to reach PostgreSQL and answer 500. This walks
 * the schema of every part of every route as Fastify compiles it (body, querystring, params,
 * headers), the sync mutations' arguments and the WebSocket's messages.
 */

type CompiledPart = { method: string; url: string; httpPart: string; schema: unknown };
// The worker's files share their modules (vitest.config.ts): the app's modules load again for
// this file, so that they import the recording compiler below, and again after it for the next.
const compiled = vi.hoisted(() => {
  vi.resetModules();
  return [] as CompiledPart[];
});
afterAll(() => {
  vi.resetModules();
});

// Records what the app hands to the zod validator compiler; the compiler itself runs unchanged.
vi.mock('fastify-type-provider-zod', async (importOriginal) => {
  const original = await importOriginal<typeof import('fastify-type-provider-zod')>();
  return {
    ...original,
    validatorCompiler: (route: Parameters<typeof original.validatorCompiler>[0]) => {
      compiled.push({
        method: route.method,
        url: route.url,
        httpPart: route.httpPart ?? '',
        schema: route.schema,
      });
      return original.validatorCompiler(route);
    },
  };
});

/** The fields that keep tab and line breaks (textareas: notes, addresses, descriptions). */
const MULTI_LINE_FIELDS = new Set(['notes', 'delivery_address', 'address', 'description']);
const isMultiLine = (path: (string | number)[]) =>
  MULTI_LINE_FIELDS.has(String(path.filter((part) => typeof part === 'string').at(-1)));

/** `z.unknown()` inputs checked by another schema: the sync mutations' `args`, walked below. */
const OPAQUE_ALLOWED = [/^POST \S*\/sync(\/\S*)? body mutations\.0\.args$/];

type Walked = { name: string; fields: string[]; opaque: string[]; problems: string[] };

function walk(name: string, schema: unknown): Walked {
  return { name, ...checkTextFields(schema, isMultiLine) };
}

function problemsOf(walked: Walked[]): string[] {
  return walked.flatMap(({ name, problems, opaque }) => [
    ...problems.map((problem) => `${name}: ${problem}`),
    ...opaque
      .map((path) => `${name} ${path}`)
      .filter((where) => !OPAQUE_ALLOWED.some((allowed) => allowed.test(where)))
      .map((where) => `${where}: z.unknown() input that nothing else checks`),
  ]);
}

describe('text inputs refuse control characters', () => {
  const t = useTestApp();

  it('in every route schema: bodies, query strings, path parameters', () => {
    expect(t.app.routeRules.length).toBeGreaterThan(40);
    const walked = compiled
      .filter((part) => part.method !== 'HEAD')
      .map((part) => walk(`${part.method} ${part.url.replace(/\/$/, '')} ${part.httpPart}`, part.schema));
    expect(problemsOf(walked)).toEqual([]);

    const fields = walked.flatMap(({ name, fields }) => fields.map((field) => `${name} ${field}`));
    // The walk sees the fields it is about (it would pass vacuously on an empty list).
    expect(fields).toEqual(
      expect.arrayContaining([
        'POST /api/auth/login body username',
        'POST /api/auth/login body password',
        'POST /api/auth/refresh body refresh_token',
        'GET /api/users querystring search',
        'GET /api/orders querystring search',
        'GET /api/orders querystring cursor',
        'POST /api/orders body client_name',
        'POST /api/orders body notes',
        'POST /api/stock/exit body reason',
        'GET /api/stock/movements querystring reference',
        'GET /api/reports/orders/:format querystring search',
        'POST /api/sync/push body mutations.0.name',
        'GET /api/sync/pull querystring cursor',
      ]),
    );
    expect(fields.length).toBeGreaterThan(60);
  });

  it("in every sync mutation's arguments", () => {
    const walked = Object.entries(SyncMutationArgsSchemas).map(([name, schema]) => walk(name, schema));
    expect(problemsOf(walked)).toEqual([]);
    expect(walked.find(({ name }) => name === 'create_order')?.fields).toEqual(
      expect.arrayContaining(['client_name', 'client_phone', 'delivery_address', 'notes']),
    );
    expect(walked.find(({ name }) => name === 'record_payment')?.fields).toContain('reference');
  });

  it('in the WebSocket messages', () => {
    const walked = walk('ws', ClientMessageSchema);
    expect(problemsOf([walked])).toEqual([]);
    expect(walked.fields).toEqual(['token']);
  });

  it('the walk catches a plain string field, in an object, an array or a union', () => {
    const schema = z.strictObject({
      name: z.string().trim().min(2),
      items: z.array(z.strictObject({ label: z.string().max(20) })),
      choice: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('a'), text: z.string().regex(/^[a-z]*$/) }),
        z.strictObject({ kind: z.literal('b'), token: z.string().min(20).nullable().optional() }),
      ]),
    });
    const problems = problemsOf([walk('sample', schema)]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'sample: name accepts U+0000',
        'sample: items.0.label accepts U+0000',
        'sample: choice.token accepts U+0000',
      ]),
    );
    expect(problems.some((problem) => problem.startsWith('sample: choice.text'))).toBe(false);
  });
});
