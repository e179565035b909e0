/**
 * Why storing an accepted message failed, when sending it again cannot help (issue 21 §8):
 * the database refused the values themselves, or the core's code threw on them. The same bytes
 * would fail the same way on every re-send from the agent's spool, so such a message is
 * answered `rejected` instead of being left to come back forever. Anything else (the database
 * is down, busy, deadlocked, shutting down) is worth a re-send: no answer, as the protocol says.
 */
export function permanentStoreFailure(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    // SQLSTATE classes 22 (data exception: a value out of range, an invalid date or encoding)
    // and 54 (program limit exceeded); 23502/23514 (a required value missing, a check failed).
    if (code.startsWith('22') || code.startsWith('54') || code === '23502' || code === '23514')
      return `the database refused it (SQLSTATE ${code}): ${(err as Error).message}`;
    return null;
  }
  // Thrown by the core's own code on these values: an invalid time, a string or structure too large.
  if (err instanceof RangeError) return `it could not be stored: ${err.message}`;
  return null;
}
