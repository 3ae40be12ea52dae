import {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type FieldIssue,
  type FieldIssueCode,
  type FieldIssueParams,
  fieldIssueOf,
} from '@gapal/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { createRouteMethods } from './route-methods.ts';

/**
 * A field issue a service reports in `details.fields`: its `code` (one of `FIELD_ISSUE_CODES`) is
 * required, so the compiler refuses a field error a client in another language could not render.
 */
export type ServiceFieldIssue = {
  field: string;
  message: string;
  code: FieldIssueCode;
  params?: FieldIssueParams;
};

/** An error's `details`: whatever the error needs, and its field issues, each with a code. */
export type AppErrorDetails = {
  readonly fields?: readonly ServiceFieldIssue[];
  readonly [key: string]: unknown;
};

/** The one error type services throw; the handler turns it into the shared error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: AppErrorDetails,
  ) {
    super(message);
  }

  get statusCode(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * What a 404 names, as `details.resource`, so a client says « Order not found » in its own
 * language; keyed by the French name the call sites pass.
 */
const NOT_FOUND_RESOURCES: Record<string, string> = {
  Commande: 'order',
  Produit: 'product',
  Site: 'site',
  Lot: 'lot',
  Appareil: 'device',
  Utilisateur: 'user',
  Notification: 'notification',
  'Note vocale': 'voice_note',
};

export const notFound = (what = 'Ressource') => {
  const resource = NOT_FOUND_RESOURCES[what];
  return new AppError('not_found', `${what} introuvable`, resource ? { resource } : undefined);
};
export const forbidden = (message = 'Action non autorisée pour votre rôle') =>
  new AppError('forbidden', message);

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Fastify's and its plugins' own 4xx errors, by status; any other 4xx answers 400 `bad_request`. */
const CLIENT_ERRORS: Record<number, { code: ErrorCode; message: string }> = {
  401: { code: 'unauthorized', message: 'Authentification requise' },
  403: { code: 'forbidden', message: 'Action non autorisée' },
  404: { code: 'not_found', message: 'Ressource introuvable' },
  405: { code: 'method_not_allowed', message: 'Méthode non permise' },
  408: { code: 'request_timeout', message: 'Délai de requête dépassé' },
  413: { code: 'payload_too_large', message: 'Requête trop volumineuse' },
  414: { code: 'uri_too_long', message: 'Adresse trop longue' },
  415: { code: 'unsupported_media_type', message: 'Type de contenu non pris en charge' },
  429: { code: 'rate_limited', message: 'Trop de requêtes, réessayez plus tard' },
  431: { code: 'header_too_large', message: 'En-têtes de requête trop volumineux' },
};

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';
const PG_CHECK_VIOLATION = '23514';

/** Maps every error that reaches Fastify to `{ error: { code, message, details } }`. */
export function registerErrorHandling(app: FastifyInstance, options: { spaFallback: boolean }): void {
  // Called before the routes are registered, so this hook sees every one of them.
  const routeMethods = createRouteMethods();
  app.addHook('onRoute', (route) => routeMethods.add(route.method, route.url));

  app.setNotFoundHandler((request, reply) => {
    if (options.spaFallback && request.method === 'GET' && !request.url.startsWith('/api')) {
      // The vendors' phone app is its own SPA: its routes fall back to its own shell.
      const vendor =
        request.url === '/vendeur' ||
        request.url.startsWith('/vendeur/') ||
        request.url.startsWith('/vendeur?');
      return reply.sendFile(vendor ? 'vendeur/index.html' : 'index.html');
    }
    const path = request.url.split('?')[0] ?? '/';
    const allowed = routeMethods.allowedFor(path);
    // A route of this very method that found nothing (a static file, say) is a plain 404.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(errorBody('method_not_allowed', `Méthode ${request.method} non permise sur ${path}`));
    }
    return reply.code(404).send(errorBody('not_found', `Aucune route ${request.method} ${path}`));
  });

  // A plugin that answers an error with no body (@fastify/websocket's 404 to a GET without an
  // upgrade) gets the shared shape too.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode < 400 || (payload !== undefined && payload !== null && payload !== '')) {
      return done(null, payload);
    }
    const { code, message } = CLIENT_ERRORS[reply.statusCode] ?? {
      code: reply.statusCode >= 500 ? 'internal_error' : 'bad_request',
      message: reply.statusCode >= 500 ? 'Erreur interne du serveur' : 'Requête invalide',
    };
    reply.header('content-type', 'application/json; charset=utf-8');
    done(null, JSON.stringify(errorBody(code, message)));
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = errorAnswer(error);
    if (mapped.status >= 500) {
      request.log.error({ err: error, reqId: request.id }, 'request failed');
    } else if (isDataException(error)) {
      // A value the schemas let through and the database refused: worth a schema bound.
      request.log.warn({ err: error, reqId: request.id }, 'value refused by the database');
    }
    if (mapped.status === 503) reply.header('retry-after', '5');
    // Every 429 says when to come back (the rate-limit plugin sets its own).
    if (mapped.status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '60');
    reply.code(mapped.status).send(mapped.body);
  });
}

/** The status and shared-shape body for any error thrown while answering a request. */
export function errorAnswer(error: FastifyError): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return { status: error.statusCode, body: errorBody(error.code, error.message, error.details) };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: FieldIssue[] = error.validation.map((issue) => ({
      field: fieldName(error.validationContext, issue.instancePath, issue.params),
      message: issue.message ?? 'invalide',
      ...fieldIssueOf({ ...(issue.params as object), code: issue.keyword, message: issue.message }),
    }));
    return {
      status: 400,
      body: errorBody('validation_error', `Données invalides : ${fields.map((f) => f.field).join(', ')}`, {
        fields,
      }),
    };
  }
  if (error instanceof ZodError) {
    const fields: FieldIssue[] = error.issues.map((issue) => ({
      field: issue.path.join('.'),
      message: issue.message,
      ...fieldIssueOf(issue as never),
    }));
    return { status: 400, body: errorBody('validation_error', 'Données invalides', { fields }) };
  }
  const pgCode = postgresErrorCode(error);
  if (pgCode === PG_UNIQUE_VIOLATION) {
    return { status: 409, body: errorBody('conflict', 'Cette valeur existe déjà') };
  }
  if (pgCode === PG_FOREIGN_KEY_VIOLATION) {
    return { status: 409, body: errorBody('conflict', 'Référence à une ressource inexistante') };
  }
  if (pgCode === PG_CHECK_VIOLATION) {
    return { status: 409, body: errorBody('conflict', 'Opération refusée par une règle de cohérence') };
  }
  if (isDataException(error)) {
    return { status: 400, body: errorBody('bad_request', 'Valeur invalide ou hors des limites acceptées') };
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { status: 400, body: errorBody('bad_request', 'Corps de requête JSON invalide') };
  }
  const clientStatus = error.statusCode && error.statusCode >= 400 && error.statusCode < 500;
  if (clientStatus || error instanceof SyntaxError) {
    const known = clientStatus ? CLIENT_ERRORS[error.statusCode as number] : undefined;
    if (known) return { status: error.statusCode as number, body: errorBody(known.code, known.message) };
    return { status: 400, body: errorBody('bad_request', 'Requête invalide') };
  }
  if (isDatabaseUnavailable(error)) {
    return { status: 503, body: errorBody('service_unavailable', 'Service momentanément indisponible') };
  }
  return { status: 500, body: errorBody('internal_error', 'Erreur interne du serveur') };
}

function fieldName(context: string | undefined, instancePath: string, params: unknown): string {
  const base = instancePath.replace(/^\//, '').replaceAll('/', '.');
  const keys = (params as { keys?: string[] } | undefined)?.keys;
  const name = keys && keys.length > 0 ? [base, ...keys].filter(Boolean).join('.') : base;
  return name || (context ?? 'body');
}

/** The SQLSTATE of a database error; Drizzle wraps driver errors in a `DrizzleQueryError` (`cause`). */
export function postgresErrorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/**
 * PostgreSQL's data exceptions (SQLSTATE class 22): a value out of a column's range, a date it
 * can't represent (year 0), a NUL byte in text, a malformed literal. They come from what the
 * request sent, so they are the request's fault (400), not the server's.
 */
function isDataException(error: unknown): boolean {
  return /^22[0-9A-Z]{3}$/.test(postgresErrorCode(error) ?? '');
}

// node-postgres' words for a socket lost without an error from the server (no SQLSTATE then),
// a pool that could not connect in time, and an embedded database already closed.
const LOST_CONNECTION =
  /^(Connection terminated|Client has encountered a connection error|Connection closed|connection is closed|timeout exceeded when trying to connect|PGlite is closed)/i;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
// SQLSTATE classes of the database itself failing: connection exception, insufficient resources
// (disk, memory, too many connections), operator intervention (shutdown, crash, cancel), system
// error (I/O), internal error. Plus a lock that could not be had in time.
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58', 'XX']);

/**
 * True when the database itself failed (lost, shut down, full, overloaded), not what a request
 * asked of it: worth answering 503 and trying again later, never worth refusing the request for.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = postgresErrorCode(error) ?? '';
  if (NETWORK_CODES.has(code) || code === '55P03') return true;
  if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_CLASSES.has(code.slice(0, 2))) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return [error, cause].some(
    (candidate) => candidate instanceof Error && LOST_CONNECTION.test(candidate.message),
  );
}
