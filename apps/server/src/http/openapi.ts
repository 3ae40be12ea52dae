import type { SwaggerTransformObject } from '@fastify/swagger';
import { ERROR_STATUS, ErrorBodySchema, type ErrorCode } from '@gapal/shared';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

type ErrorHttpStatus = (typeof ERROR_STATUS)[ErrorCode];

/** What each error status means for a client; the codes it carries are listed from ERROR_STATUS. */
const MEANINGS = {
  400: 'Invalid request: a field, the query string, a path parameter or the JSON body (details.fields names the fields)',
  401: 'Not signed in: token missing, expired or revoked, account disabled or device revoked',
  403: 'The caller’s role may not do this',
  404: 'Not found, or not in the caller’s site',
  409: 'Refused by the current state: a duplicate, a stale version, a status move or stock that is not there',
  413: 'Request body too large',
  415: 'Unsupported content type (send application/json; a voice note, Opus audio in WebM or Ogg)',
  416: 'The byte range asked for starts past the end of the file (Content-Range gives its size)',
  426: 'Client too old for this server: update the app',
  429: 'Too many requests: retry later',
  503: 'Service temporarily unavailable (database): retry after Retry-After seconds',
} as const satisfies Partial<Record<ErrorHttpStatus, string>>;

export type ErrorStatus = keyof typeof MEANINGS;

const codesOf = (status: number) =>
  (Object.keys(ERROR_STATUS) as ErrorCode[]).filter((code) => ERROR_STATUS[code] === status);

/**
 * The shared error shape as one component of the document (`#/components/schemas/ErrorBody`,
 * emitted by `jsonSchemaTransformObject`): every error answer refers to it rather than repeating
 * it, which would add some 2 kB per answer.
 */
export const ErrorBodyComponent = ErrorBodySchema.meta({
  id: 'ErrorBody',
  description: 'The one error shape: a stable code, a French message for people, optional details',
});

type ErrorResponse = {
  description: string;
  content: { 'application/json': { schema: typeof ErrorBodyComponent } };
};

// One answer per status, built once.
const ERROR_RESPONSES = Object.fromEntries(
  Object.entries(MEANINGS).map(([status, meaning]) => [
    status,
    {
      description: `${meaning}. Codes: ${codesOf(Number(status)).join(', ')}.`,
      content: { 'application/json': { schema: ErrorBodyComponent } },
    },
  ]),
) as Record<ErrorStatus, ErrorResponse>;

/**
 * The error answers of a route, for its `schema.response`: `{ ...errorResponses(400, 404) }`,
 * each in the shared shape `{ error: { code, message, details } }` and described by status.
 */
export function errorResponses<const S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, ERROR_RESPONSES[status]])) as Record<
    S,
    ErrorResponse
  >;
}

/**
 * The document's components: the schemas registered with an id, of which the type provider emits
 * an input and an output version each; only those the document refers to are kept (the error
 * shape is only ever an output).
 */
export const transformOpenApiObject: SwaggerTransformObject = (documentObject) => {
  const document = jsonSchemaTransformObject(documentObject);
  const schemas = (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas;
  if (!schemas) return document;
  const text = JSON.stringify(document);
  for (const name of Object.keys(schemas)) {
    if (!text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  }
  return document;
};

/** The answer of a route that sends no body (204). */
export const NoContentSchema = z.undefined().describe('Done; no content');

// The bytes of a file answer. Only documented: a file goes out as a stream, never serialized.
const FileSchema = z.string().meta({ format: 'binary' });

/**
 * A success answer that is a file in one of `mediaTypes` (a voice note's audio):
 * `{ 200: fileResponse('The whole note', ['audio/webm', 'audio/ogg']) }`.
 */
export function fileResponse(description: string, mediaTypes: readonly string[]) {
  return {
    description,
    content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: FileSchema }])),
  };
}

export const FILE_TYPES = {
  pdf: 'application/pdf',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/**
 * A success answer that is JSON, or a file when the request asks for one (a report as PDF, CSV or
 * XLSX): `{ 200: jsonOrFile(ReportSchema, 'pdf', 'csv') }`.
 */
export function jsonOrFile<T extends z.ZodType>(json: T, ...files: (keyof typeof FILE_TYPES)[]) {
  const fileContent = Object.fromEntries(files.map((file) => [FILE_TYPES[file], { schema: FileSchema }]));
  return {
    description: `JSON, or the file asked for (${files.join(', ')})`,
    content: { 'application/json': { schema: json }, ...fileContent },
  };
}
