/**
 * Whether an error means the database did not answer (it is down, restarting, or the network
 * to it failed), as opposed to refusing a statement: the API answers those 503 with
 * `Retry-After` (issue 25 §4), since the same request will work once it is back.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  // knex: no connection could be taken from the pool in time.
  if (e.name === 'KnexTimeoutError') return true;
  const code = typeof e.code === 'string' ? e.code : '';
  // SQLSTATE 08 (connection exception), 57P01-57P03 (the server shuts down or cannot take
  // connections), 57014 (the statement ran past database.queryTimeoutMs).
  if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code) || code === '57014') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code))
    return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|Connection ended unexpectedly|connection timeout|Timeout acquiring a connection|Query read timeout/i.test(
    message,
  );
}
