import fc from 'fast-check';
import type { JsonSchema } from './openapi-operations.ts';

/**
 * fast-check arbitraries for the fuzz test: values that fit a JSON schema (to get past the first
 * checks) and values that don't (wrong types, control characters, huge strings and numbers,
 * bad UUIDs and dates), and ways to spoil a valid body.
 */

export type ValueContext = {
  /** Ids of rows that exist: a UUID field gets one of them often, to reach past the 404s. */
  knownIds: readonly string[];
  /** The ids that fit a field of this name (`product_id`: products), tried before the others. */
  idsByField: Readonly<Record<string, readonly string[]>>;
  /** The sync mutations' `args` schemas by mutation name (the document says only `args: {}`). */
  mutationArgs: Readonly<Record<string, JsonSchema>>;
};

const MAX_DEPTH = 6;

/** A value that fits the schema, as far as a generator easily can (patterns are tried). */
export function validValue(
  schema: JsonSchema,
  context: ValueContext,
  depth = 0,
  field?: string,
): fc.Arbitrary<unknown> {
  const base = validNonNull(schema, context, depth, field);
  return schema.nullable ? fc.oneof({ weight: 4, arbitrary: base }, fc.constant(null)) : base;
}

function validNonNull(
  schema: JsonSchema,
  context: ValueContext,
  depth: number,
  field: string | undefined,
): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant(null);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices && choices.length > 0) {
    return fc.oneof(...choices.map((choice) => validValue(choice, context, depth + 1, field)));
  }
  if (schema.allOf && schema.allOf.length > 0)
    return validValue(mergeAll(schema.allOf), context, depth, field);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'string':
      return validString(schema, context, field);
    case 'integer':
      return validNumber(schema, true);
    case 'number':
      return validNumber(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(schema.items ?? {}, context, depth + 1, field), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'object':
      return validObject(schema, context, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validObject(schema: JsonSchema, context: ValueContext, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  // A sync mutation: its `args` follow the contract of the mutation it names.
  if (properties.name && properties.args && Object.keys(context.mutationArgs).length > 0) {
    const names = [...Object.keys(context.mutationArgs), 'no_such_mutation'];
    return fc.constantFrom(...names).chain((name) => {
      const args = context.mutationArgs[name] ?? { type: 'object' };
      return validObject(
        { ...schema, properties: { ...properties, name: { const: name }, args } },
        { ...context, mutationArgs: {} },
        depth,
      );
    });
  }
  const model = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, validValue(value, context, depth + 1, key)]),
  );
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
}

function validString(
  schema: JsonSchema,
  context: ValueContext,
  field: string | undefined,
): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 60;
  switch (schema.format) {
    case 'uuid': {
      const fitting = (field && context.idsByField[field]) || [];
      const known: fc.WeightedArbitrary<string>[] = [{ weight: 1, arbitrary: fc.uuid({ version: 4 }) }];
      if (fitting.length > 0) known.push({ weight: 6, arbitrary: fc.constantFrom(...fitting) });
      if (context.knownIds.length > 0)
        known.push({ weight: 2, arbitrary: fc.constantFrom(...context.knownIds) });
      return fc.oneof(...known);
    }
    case 'date':
      return isoDate.map((date) => date.slice(0, 10));
    case 'date-time':
      return isoDate;
  }
  if (schema.pattern) {
    try {
      // Fitted to the length bounds by repeating or cutting (a filter could loop for ever); the
      // result may then miss the pattern, which is one more bad value.
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .map((text) =>
          (text.length > 0 && text.length < minLength
            ? text.repeat(Math.ceil(minLength / text.length))
            : text
          ).slice(0, maxLength),
        );
    } catch {
      // A pattern fast-check can't generate from: plain text below.
    }
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(maxLength, 60)) });
}

// Mostly the coming weeks (a delivery date in the past is refused), from today's midnight so that
// a seed replays the same values all day; sometimes any day of a decade.
const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`).getTime();
const isoDate = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.date({
        min: new Date(today),
        max: new Date(today + 60 * 86_400_000),
        noInvalidDate: true,
      }),
    },
    fc.date({
      min: new Date('2020-01-01T00:00:00Z'),
      max: new Date('2030-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
  )
  .map((date) => date.toISOString());

function validNumber(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  let min = schema.minimum ?? -1_000_000;
  let max = schema.maximum ?? 1_000_000;
  if (schema.exclusiveMinimum === true) min += integer ? 1 : Number.EPSILON;
  if (typeof schema.exclusiveMinimum === 'number') min = schema.exclusiveMinimum + (integer ? 1 : 0);
  if (schema.exclusiveMaximum === true) max -= integer ? 1 : Number.EPSILON;
  if (typeof schema.exclusiveMaximum === 'number') max = schema.exclusiveMaximum - (integer ? 1 : 0);
  if (max < min) return fc.constant(min);
  // Mostly small values (quantities, prices), sometimes the bounds themselves.
  const small = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, min + 1000)) })
    : fc.double({ min, max: Math.min(max, min + 1000), noNaN: true });
  return fc.oneof({ weight: 4, arbitrary: small }, fc.constantFrom(min, max));
}

function mergeAll(schemas: JsonSchema[]): JsonSchema {
  const merged: JsonSchema = { properties: {}, required: [] };
  for (const next of schemas) {
    Object.assign(merged, next, {
      properties: Object.assign(merged.properties ?? {}, next.properties),
      required: [...(merged.required ?? []), ...(next.required ?? [])],
    });
  }
  return merged;
}

const CONTROL_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000b',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufeff',
];

/** Text with NUL and other control characters, lone surrogates, and some ordinary letters. */
export const controlText = fc.string({
  unit: fc.constantFrom(...CONTROL_CHARACTERS, '\ud800', '\udfff', 'a', 'é', ' ', '0'),
  minLength: 1,
  maxLength: 12,
});

const hugeText = fc
  .constantFrom(1_000, 70_000, 1_100_000)
  .chain((size) => fc.constantFrom('x'.repeat(size), `${'\u0000'.repeat(size / 1000)}x`, '9'.repeat(size)));

const HUGE_NUMBERS = [
  1e308,
  -1e308,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  2 ** 63,
  5e-324,
  -0,
  0.5,
  -1,
  0,
];

const BAD_UUIDS = [
  'not-a-uuid',
  '00000000-0000-4000-8000-00000000000g',
  '00000000-0000-4000-8000-0000000000000',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000000040008000000000000000',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-000000000000\u0000',
];

const BAD_DATES = [
  '2024-02-30',
  '2023-02-29',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '275760-09-13',
  '-000001-01-01',
  '2024-1-1',
  '2024-01-01T00:00:00',
  '2024-01-01T24:00:00Z',
  '2024-01-01T00:00:00+25:00',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '2024-01-01T00:00:00.0000000000001Z',
];

const ODD_TEXT = [
  '',
  ' ',
  'null',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '99999999999999999999999999',
  "' OR 1=1 --",
  '%00',
  '%',
  '\\',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '😀'.repeat(40),
  'x'.repeat(300),
];

/** A value that is wrong for about any field. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: controlText },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...HUGE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_UUIDS, ...BAD_DATES, ...ODD_TEXT) },
  { weight: 1, arbitrary: hugeText },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { '': 1 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

type Path = (string | number)[];

/** Every place in a JSON value (not the root), so one can be spoiled. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value)
    ? value.map((entry, index) => [index, entry] as const)
    : Object.entries(value);
  return entries.flatMap(([key, entry]) => [[...prefix, key], ...pathsOf(entry, [...prefix, key])]);
}

function containers(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value)
    ? value.map((entry, index) => [index, entry] as const)
    : Object.entries(value);
  const own = Array.isArray(value) ? [] : [prefix];
  return [...own, ...entries.flatMap(([key, entry]) => containers(entry, [...prefix, key]))];
}

function edit(
  value: unknown,
  path: Path,
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
) {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  change(parent, path[path.length - 1] as string | number);
  return copy;
}

/** JSON text this deep: arrays in arrays (or objects in objects) `depth` times. */
export function deeplyNested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export type SpoiledBody = { kind: string; text: string };

/** A valid body, then spoiled one way or another (or left valid), as JSON text. */
export function spoiledBody(valid: fc.Arbitrary<unknown>): fc.Arbitrary<SpoiledBody> {
  return valid.chain((body) => {
    const places = pathsOf(body);
    const objects = containers(body);
    const asIs = fc.constant({ kind: 'valid', text: JSON.stringify(body) });
    const kinds: fc.WeightedArbitrary<SpoiledBody>[] = [
      { weight: 2, arbitrary: asIs },
      {
        weight: 1,
        arbitrary: badValue.map((value) => ({ kind: 'whole', text: JSON.stringify(value) ?? 'null' })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...rawNumbers).map((literal) => ({
          kind: 'raw number',
          text: JSON.stringify(body).replace(/(:|\[|,)-?\d+(\.\d+)?(?=[,}\]])/, `$1${literal}`),
        })),
      },
    ];
    if (places.length > 0) {
      kinds.push({
        weight: 5,
        arbitrary: fc.tuple(fc.constantFrom(...places), badValue).map(([path, value]) => ({
          kind: `bad ${path.join('.')}`,
          text: JSON.stringify(edit(body, path, (parent, key) => (parent[key] = value))),
        })),
      });
      kinds.push({
        weight: 2,
        arbitrary: fc.constantFrom(...places).map((path) => ({
          kind: `missing ${path.join('.')}`,
          text: JSON.stringify(
            edit(body, path, (parent, key) => {
              if (Array.isArray(parent)) parent.splice(Number(key), 1);
              else delete parent[key];
            }),
          ),
        })),
      });
    }
    if (objects.length > 0) {
      kinds.push({
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...objects),
            fc.constantFrom('extra', 'id', 'site_id', 'role', 'version', '__proto__'),
            badValue,
          )
          .map(([path, key, value]) => ({
            kind: `extra ${[...path, key].join('.')}`,
            text: JSON.stringify(
              edit({ root: body }, ['root', ...path, key], (parent, last) =>
                Object.defineProperty(parent, last, {
                  value,
                  enumerable: true,
                  configurable: true,
                  writable: true,
                }),
              ),
            ).replace(/^\{"root":(.*)\}$/s, '$1'),
          })),
      });
    }
    return fc.oneof(...kinds);
  });
}

/** Number literals JSON allows and JavaScript reads as Infinity, 0, or a rounded integer. */
const rawNumbers = [
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890',
  '1.0000000000000000001',
  '-0.0',
];
