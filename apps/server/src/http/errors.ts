import { type ErrorBody, type ErrorCode, type FieldIssue, fieldIssueOf } from '@gapal/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { isDatabaseUnavailable, isDataException, postgresErrorCode } from '../db/database-errors.ts';
import { AppError } from '../domain/errors.ts';
import { createRouteMethods } from './route-methods.ts';

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
