// What the operator's log says of a failed access-log write. Without a
// cause, "access log write failed" leaves an operator guessing between a
// full disk, a revoked grant, a stalled table and a lost connection. The
// database's message is not repeated: PostgreSQL quotes the values it
// rejects, and those would be customer ids or a record's field actions.

/** A short, value-free cause: the SQLSTATE, a timeout, or the error's class. */
export function writeFailureCause(err: unknown): string {
  if (err === null || typeof err !== 'object') return 'unknown cause';
  const { code, name } = err as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `SQLSTATE ${code}`;
  if (name === 'KnexTimeoutError') return 'timed out';
  // Node's network errors (ECONNREFUSED, ECONNRESET, …) name the failure in their code.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return typeof name === 'string' && /^\w{1,64}$/.test(name) ? name : 'unknown cause';
}
