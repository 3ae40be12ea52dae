import fc from 'fast-check';
import { badValue, controlText } from './bad-values.ts';
import type { Operation, Parameter } from './openapi-operations.ts';
import { deeplyNested, spoiledBody } from './spoiled-body.ts';
import { type ValueContext, validValue } from './valid-values.ts';

export type FuzzRequest = {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** What was spoiled, for the report. */
  label: string;
  /** The status this request must get, when one is certain. */
  expectedStatus?: number;
};

export type Credentials = {
  /** Access tokens of users whose role may call the operation. */
  allowed: readonly string[];
};

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json, text/plain',
];

type Target = 'nothing' | 'body' | 'path' | 'query';

/**
 * One request to the operation. Each spoils one thing (the body, one path parameter or one query
 * parameter) and keeps the rest valid-looking, or spoils nothing, so requests get past the first
 * refusal into the services; the token is chosen apart.
 */
export function requestArbitrary(
  operation: Operation,
  context: ValueContext,
  credentials: Credentials,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = operation.parameters.filter((parameter) => parameter.in === 'query');
  const targets: fc.WeightedArbitrary<Target>[] = [{ weight: 1, arbitrary: fc.constant('nothing') }];
  targets.push({ weight: operation.body ? 4 : 1, arbitrary: fc.constant('body') });
  if (pathParams.length > 0) targets.push({ weight: 1, arbitrary: fc.constant('path') });
  if (queryParams.length > 0) targets.push({ weight: 2, arbitrary: fc.constant('query') });
  return fc.oneof(...targets).chain((target) =>
    fc
      .record({
        path: parametersArbitrary(pathParams, target === 'path', (parameter, spoil) =>
          pathValue(parameter, context, spoil),
        ),
        query: parametersArbitrary(queryParams, target === 'query', (parameter, spoil) =>
          queryValue(parameter, context, spoil),
        ),
        body: bodyArbitrary(operation, context, target === 'body'),
        authorization: authorizationArbitrary(credentials),
      })
      .map(({ path, query, body, authorization }) => {
        let url = operation.path;
        pathParams.forEach((parameter, index) => {
          url = url.replace(`{${parameter.name}}`, encodePathSegment(path[index] as string));
        });
        const search = new URLSearchParams();
        queryParams.forEach((parameter, index) => {
          for (const value of query[index] as string[]) search.append(parameter.name, value);
        });
        const queryText = search.toString();
        const headers: Record<string, string> = {};
        if (authorization) headers.authorization = authorization;
        if (body.contentType) headers['content-type'] = body.contentType;
        const spoiled = target === 'path' || target === 'query' ? `bad ${target} parameter` : body.label;
        return {
          method: operation.method,
          url: queryText ? `${url}?${queryText}` : url,
          headers,
          ...(body.text === undefined ? {} : { payload: body.text }),
          label: spoiled,
        };
      }),
  );
}

/** Values for the parameters, one of them (when `spoil`) bad. */
function parametersArbitrary<T>(
  parameters: Parameter[],
  spoil: boolean,
  valueFor: (parameter: Parameter, spoil: boolean) => fc.Arbitrary<T>,
): fc.Arbitrary<T[]> {
  if (parameters.length === 0) return fc.constant([]);
  const spoiledIndex = spoil ? fc.nat(parameters.length - 1) : fc.constant(-1);
  return spoiledIndex.chain((bad) =>
    fc.tuple(...parameters.map((parameter, index) => valueFor(parameter, index === bad))),
  );
}

/** The fixed hard cases every operation gets once: deep nesting, wrong content type, empty body. */
export function fixedRequests(operation: Operation, authorization: string | undefined): FuzzRequest[] {
  let url = operation.path;
  for (const parameter of operation.parameters.filter((entry) => entry.in === 'path')) {
    url = url.replace(
      `{${parameter.name}}`,
      parameter.schema.enum?.[0] ? String(parameter.schema.enum[0]) : '00000000-0000-4000-8000-000000000000',
    );
  }
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const json = { ...headers, 'content-type': 'application/json' };
  const cases: FuzzRequest[] = [
    {
      method: operation.method,
      url,
      headers: json,
      payload: deeplyNested(10_000, 'array'),
      label: '10 000 nested arrays',
    },
    {
      method: operation.method,
      url,
      headers: json,
      payload: deeplyNested(10_000, 'object'),
      label: '10 000 nested objects',
    },
    { method: operation.method, url, headers: json, payload: '', label: 'empty JSON body' },
    {
      method: operation.method,
      url,
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: '{}',
      label: 'text/plain body',
    },
    { method: operation.method, url, headers: json, payload: '{"a":', label: 'truncated JSON' },
    {
      method: operation.method,
      url,
      headers: { ...json, 'content-encoding': 'gzip' },
      payload: '{"not":"gzip"}',
      label: 'plain JSON said to be gzip',
    },
    {
      method: operation.method,
      url,
      headers: { ...json, 'x-request-id': `${'r'.repeat(2000)}\u00e9` },
      payload: '{}',
      label: 'a 2 000-character request id',
    },
  ];
  const firstProperty = Object.keys(operation.body?.properties ?? {})[0];
  if (firstProperty) {
    cases.push({
      method: operation.method,
      url,
      headers: json,
      payload: `{"${firstProperty}":${deeplyNested(10_000, 'array')}}`,
      label: `10 000 nested arrays in ${firstProperty}`,
    });
  }
  return cases;
}

function pathValue(parameter: Parameter, context: ValueContext, spoil: boolean): fc.Arbitrary<string> {
  if (!spoil) return validValue(parameter.schema, context, 0, parameter.name).map(String);
  const bad = fc.oneof(
    badValue.map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'))),
    controlText,
  );
  // Empty segments would name another route; the router's own limit (414) is tested elsewhere.
  return bad.filter((value) => value.length > 0 && value.length < 90);
}

/** Valid: absent or a valid value. Spoiled: a bad value, or a valid one and a bad one. */
function queryValue(parameter: Parameter, context: ValueContext, spoil: boolean): fc.Arbitrary<string[]> {
  const valid = validValue(parameter.schema, context, 0, parameter.name).map((value) => String(value));
  if (!spoil) {
    return fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>([]) },
      { weight: 1, arbitrary: valid.map((value) => [value]) },
    );
  }
  const bad = fc.oneof(
    badValue.map((value) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))),
    controlText,
  );
  return fc.oneof(
    { weight: 3, arbitrary: bad.map((value) => [value]) },
    { weight: 1, arbitrary: fc.tuple(valid, bad).map(([first, second]) => [first, second]) },
  );
}

type BodyCase = { text?: string; contentType?: string; label: string };

function bodyArbitrary(operation: Operation, context: ValueContext, spoil: boolean): fc.Arbitrary<BodyCase> {
  if (!operation.body) {
    if (!spoil) return fc.constant({ label: 'nothing spoiled' });
    return badValue.map((value) => ({
      text: JSON.stringify(value) ?? 'null',
      contentType: 'application/json',
      label: 'unexpected body',
    }));
  }
  const valid = validValue(operation.body, context);
  if (!spoil) {
    return valid.map((body) => ({
      text: JSON.stringify(body),
      contentType: 'application/json',
      label: 'nothing spoiled',
    }));
  }
  return fc.tuple(spoiledBody(valid), contentTypeArbitrary()).map(([spoiled, contentType]) => ({
    text: spoiled.text,
    ...(contentType ? { contentType } : {}),
    label:
      contentType === 'application/json'
        ? spoiled.kind
        : `${spoiled.kind} as ${contentType ?? 'no content type'}`,
  }));
}

function contentTypeArbitrary(): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function authorizationArbitrary(credentials: Credentials): fc.Arbitrary<string | undefined> {
  const garbage = fc.constantFrom(
    'Bearer ',
    'Bearer not.a.jwt',
    'Basic YWRtaW46YWRtaW4=',
    `Bearer ${'a'.repeat(4000)}`,
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
  );
  if (credentials.allowed.length === 0) return fc.oneof(fc.constant(undefined), garbage);
  return fc.oneof(
    { weight: 14, arbitrary: fc.constantFrom(...credentials.allowed).map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: garbage },
  );
}

/** Percent-encodes a segment; a lone surrogate (which encodeURIComponent refuses) becomes U+FFFD. */
function encodePathSegment(value: string): string {
  return encodeURIComponent(
    value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
}
