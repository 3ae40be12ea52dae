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
export function isDataException(error: unknown): boolean {
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
