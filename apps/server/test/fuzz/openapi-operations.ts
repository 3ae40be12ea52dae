/**
 * The operations of the served OpenAPI document, reduced to what a fuzzer needs: the method, the
 * path template, its path and query parameters and the JSON body's schema (references resolved).
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
};

export type Parameter = { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema };

export type Operation = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As in the document: `/api/users/{id}/`. */
  path: string;
  parameters: Parameter[];
  /** The `application/json` request body's schema, when the operation takes one. */
  body?: JsonSchema;
  bodyRequired: boolean;
};

type OpenApiDocument = {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema>; parameters?: Record<string, RawParameter> };
};
type RawParameter = { name: string; in: string; required?: boolean; schema?: JsonSchema; $ref?: string };
type RawOperation = {
  parameters?: RawParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(document: OpenApiDocument): Operation[] {
  const resolve = <T extends object>(value: T): T => resolveRefs(value, document, 0) as T;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const raw = item[method];
      if (!raw) continue;
      const parameters = (raw.parameters ?? [])
        .map((parameter) => resolve(parameter))
        .filter((parameter) => parameter.in === 'path' || parameter.in === 'query')
        .map((parameter) => ({
          name: parameter.name,
          in: parameter.in as 'path' | 'query',
          required: parameter.required ?? parameter.in === 'path',
          schema: parameter.schema ?? { type: 'string' },
        }));
      const json = raw.requestBody?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters,
        ...(json ? { body: resolve(json) } : {}),
        bodyRequired: raw.requestBody?.required ?? false,
      });
    }
  }
  return operations;
}

function resolveRefs(value: unknown, document: OpenApiDocument, depth: number): unknown {
  if (depth > 50 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((entry) => resolveRefs(entry, document, depth + 1));
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
    return resolveRefs(target, document, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, resolveRefs(entry, document, depth + 1)]),
  );
}

/**
 * The routes the document leaves out (hidden ones such as the WebSocket endpoint), as operations
 * with their path parameters and no body, so they get the fixed hard cases too.
 */
export function undocumentedOperations(
  routes: readonly { method: string; url: string }[],
  documented: readonly Operation[],
): Operation[] {
  const trim = (url: string) => (url.length > 1 ? url.replace(/\/+$/, '') : url);
  const known = new Set(documented.map((operation) => `${operation.method} ${trim(operation.path)}`));
  return routes
    .map((route) => ({ method: route.method, path: route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') }))
    .filter((route) => METHODS.includes(route.method.toLowerCase() as (typeof METHODS)[number]))
    .filter((route) => !known.has(`${route.method} ${trim(route.path)}`))
    .map((route) => ({
      method: route.method as Operation['method'],
      path: route.path,
      parameters: [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
        name: match[1] as string,
        in: 'path' as const,
        required: true,
        schema: { type: 'string' },
      })),
      bodyRequired: false,
    }));
}

/** For each path, one method none of its operations answers (a 405 is expected). */
export function unansweredMethods(
  operations: readonly Operation[],
): { method: Operation['method']; path: string }[] {
  const byPath = new Map<string, Set<string>>();
  for (const operation of operations) {
    byPath.set(operation.path, (byPath.get(operation.path) ?? new Set()).add(operation.method));
  }
  return [...byPath.entries()].flatMap(([path, methods]) => {
    const method = (['PATCH', 'DELETE', 'PUT', 'POST', 'GET'] as const).find(
      (candidate) => !methods.has(candidate),
    );
    return method ? [{ method, path }] : [];
  });
}
