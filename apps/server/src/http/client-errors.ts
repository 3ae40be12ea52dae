import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '@gapal/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswer, errorBody } from './errors.ts';
import { SECURITY_HEADERS } from './security.ts';

/**
 * Answers in the shared error shape the requests that never reach a route, and so neither the
 * hooks nor the error handler: those Node's HTTP parser refuses (`clientErrorHandler`) and those
 * Fastify's router refuses (`frameworkErrors`).
 */

/** Node's parser refused the request (headers too large, malformed, too slow): a raw answer. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = parserRefusal(error.code);
  // As Node's own handler: never write into a response already on its way out on this socket.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(errorBody(code, message));
    const headers = {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}

function parserRefusal(code: string | undefined): [number, ErrorCode, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'header_too_large', 'En-têtes de requête trop volumineux'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'Délai de requête dépassé'];
    default:
      return [400, 'bad_request', 'Requête HTTP invalide'];
  }
}

/** The router refused the URL (a parameter past `maxParamLength`, a bad percent-encoding). */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // No hook ran for this request: set what the `onRequest` hooks set on every answer.
  reply.headers(SECURITY_HEADERS);
  reply.header('x-request-id', request.id);
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      reply.code(414).send(errorBody('uri_too_long', 'Adresse trop longue'));
      return;
    case 'FST_ERR_BAD_URL':
      reply.code(400).send(errorBody('bad_request', 'Adresse invalide'));
      return;
  }
  const { status, body } = errorAnswer(error);
  if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
  reply.code(status).send(body);
}
