import fc from 'fast-check';
import { badValue } from './bad-values.ts';

/** Ways to spoil a valid JSON body: a bad value somewhere, a missing or extra field, odd numbers. */

/** Number literals JSON allows and JavaScript reads as Infinity, 0, or a rounded integer. */
const rawNumbers = [
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890',
  '1.0000000000000000001',
  '-0.0',
];

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
