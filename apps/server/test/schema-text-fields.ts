import type { z } from 'zod';

/**
 * Walks a zod input schema for its text fields and checks each one refuses control characters.
 * For every shape the schema can take (each option of a union), it builds a value the whole
 * schema accepts, then puts a control character inside one text field at a time and expects
 * the schema to refuse the value with an issue on that very field.
 */

type Path = (string | number)[];
type TextLeaf = { path: Path; sample: string };
type Variant = { value: unknown; leaves: TextLeaf[]; opaque: Path[] };
type Def = { type: string } & Record<string, unknown>;

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const accepts = (schema: unknown, value: unknown) => (schema as z.ZodType).safeParse(value).success;

/** Characters no text field may hold. */
export const FORBIDDEN_CHARACTERS = ['\u0000', '\u0001', '\u001b', '\u001f', '\u007f'];
/** What multi-line fields keep and single-line fields refuse. */
export const LINE_CHARACTERS = ['\t', '\n', '\r'];

const STRING_CANDIDATES = [
  'Abc-12',
  'ABC12',
  'Produit laitier',
  '+226 70 12 34 56',
  '12345',
  'a'.repeat(24),
  '00000000-0000-4000-8000-000000000001',
  '2026-01-15',
  '2026-01-15T10:00:00.000Z',
  'a',
];
const NUMBER_CANDIDATES = [1, 2, 10, 0];

export class UnsupportedSchemaError extends Error {}

/** Valid values for `schema`, one per union option met, with the text fields inside each. */
export function variantsOf(schema: unknown, path: Path = []): Variant[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const sample = STRING_CANDIDATES.find((candidate) => accepts(schema, candidate));
      if (sample === undefined) {
        throw new UnsupportedSchemaError(`no sample text fits the field ${label(path)}: add one`);
      }
      return [{ value: sample, leaves: [{ path, sample }], opaque: [] }];
    }
    case 'number': {
      const value = NUMBER_CANDIDATES.find((candidate) => accepts(schema, candidate));
      if (value === undefined) throw new UnsupportedSchemaError(`no sample number fits ${label(path)}`);
      return [plain(value)];
    }
    case 'boolean':
      return [plain(true)];
    case 'null':
      return [plain(null)];
    case 'undefined':
      return [plain(undefined)];
    case 'enum':
      return [plain(Object.values(def.entries as Record<string, unknown>)[0])];
    case 'literal':
      return [plain((def.values as unknown[])[0])];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return variantsOf(def.innerType, path);
    case 'pipe':
      return variantsOf(def.in, path);
    case 'lazy':
      return variantsOf((def.getter as () => unknown)(), path);
    case 'unknown':
    case 'any':
      return [{ value: {}, leaves: [], opaque: [path] }];
    case 'array':
      return variantsOf(def.element, [...path, 0]).map((variant) => ({ ...variant, value: [variant.value] }));
    case 'union':
      return (def.options as unknown[]).flatMap((option) => variantsOf(option, path));
    case 'object':
      return objectVariants(def.shape as Record<string, unknown>, path);
    default:
      throw new UnsupportedSchemaError(
        `the walk does not know zod's ${def.type} (at ${label(path)}): teach it`,
      );
  }
}

function plain(value: unknown): Variant {
  return { value, leaves: [], opaque: [] };
}

/** Every field filled (optional ones too, so their text is checked); unions vary one at a time. */
function objectVariants(shape: Record<string, unknown>, path: Path): Variant[] {
  const fields = Object.entries(shape).map(
    ([key, field]) => [key, variantsOf(field, [...path, key])] as const,
  );
  const count = Math.max(1, ...fields.map(([, variants]) => variants.length));
  return Array.from({ length: count }, (_, index) => {
    const chosen = fields.map(
      ([key, variants]) => [key, variants[Math.min(index, variants.length - 1)]!] as const,
    );
    return {
      value: Object.fromEntries(chosen.map(([key, variant]) => [key, variant.value])),
      leaves: chosen.flatMap(([, variant]) => variant.leaves),
      opaque: chosen.flatMap(([, variant]) => variant.opaque),
    };
  });
}

export type TextFieldReport = {
  /** Text fields found, as `path` (array items as `0`). */
  fields: string[];
  /** Fields whose type the walk can't see into (`z.unknown()`), to be validated elsewhere. */
  opaque: string[];
  /** Everything wrong: a field that accepts a forbidden character, a value the walk could not build. */
  problems: string[];
};

/**
 * Checks every text field of `schema`. `multiLine(path)` says which fields keep tab and line
 * breaks; all others must refuse them too.
 */
export function checkTextFields(schema: unknown, multiLine: (path: Path) => boolean): TextFieldReport {
  const report: TextFieldReport = { fields: [], opaque: [], problems: [] };
  let variants: Variant[];
  try {
    variants = variantsOf(schema);
  } catch (error) {
    if (!(error instanceof UnsupportedSchemaError)) throw error;
    report.problems.push(error.message);
    return report;
  }
  for (const variant of variants) {
    const valid = (schema as z.ZodType).safeParse(variant.value);
    if (!valid.success) {
      report.problems.push(
        `the walk built a value the schema refuses: ${JSON.stringify(valid.error.issues)}`,
      );
      continue;
    }
    report.opaque.push(...variant.opaque.map(label));
    for (const leaf of variant.leaves) {
      report.fields.push(label(leaf.path));
      for (const character of FORBIDDEN_CHARACTERS) {
        const problem = refusalProblem(schema, variant.value, leaf, character, true);
        if (problem) report.problems.push(problem);
      }
      for (const character of LINE_CHARACTERS) {
        const problem = refusalProblem(schema, variant.value, leaf, character, !multiLine(leaf.path));
        if (problem) report.problems.push(problem);
      }
    }
  }
  report.fields = [...new Set(report.fields)];
  report.opaque = [...new Set(report.opaque)];
  report.problems = [...new Set(report.problems)];
  return report;
}

function refusalProblem(
  schema: unknown,
  value: unknown,
  leaf: TextLeaf,
  character: string,
  mustRefuse: boolean,
): string | undefined {
  const middle = Math.floor(leaf.sample.length / 2);
  const text = leaf.sample.slice(0, middle) + character + leaf.sample.slice(middle + 1);
  const result = (schema as z.ZodType).safeParse(withValueAt(value, leaf.path, text));
  const name = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  if (!mustRefuse) {
    return result.success ? undefined : `${label(leaf.path)} refuses ${name}, which multi-line text keeps`;
  }
  if (result.success) return `${label(leaf.path)} accepts ${name}`;
  const onField = issuePaths(result.error.issues).some((path) => label(path) === label(leaf.path));
  return onField ? undefined : `${label(leaf.path)} with ${name} is refused, but not on that field`;
}

/** The paths of the issues, those inside a union's refused options included. */
function issuePaths(issues: readonly z.core.$ZodIssue[], prefix: Path = []): Path[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...(issue.path as Path)];
    const nested =
      issue.code === 'invalid_union' ? issue.errors.flatMap((errors) => issuePaths(errors, path)) : [];
    return [path, ...nested];
  });
}

function withValueAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return value.map((item, index) => (index === head ? withValueAt(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head!]: withValueAt(record[head!], rest, replacement) };
}

const label = (path: Path) => (path.length === 0 ? '(value)' : path.join('.'));
