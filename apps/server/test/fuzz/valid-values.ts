import fc from 'fast-check';
import type { JsonSchema } from './openapi-operations.ts';

/** fast-check arbitraries for the fuzz test: values that fit a JSON schema, to get past the first checks. */

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
