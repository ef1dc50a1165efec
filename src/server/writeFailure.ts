// What the operator's log says of a failed access-log write. Without a
// cause, "access log write failed" leaves an operator guessing between a
// full disk, a revoked grant, a stalled table and a lost connection. The
// database's message is not repeated: PostgreSQL quotes the values it
// rejects, and those would be customer ids or a record's field actions.

import type { GraphQLFormattedError } from 'graphql';
import { causeOf } from './errors';

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

/**
 * Apollo's formatError, telling the operator why a change was refused for
 * want of its record: the change path's AUDIT_UNAVAILABLE carries the
 * database's error (src/audit/changeRecord.ts), the read path reports its
 * own (accessLogPlugin's onWriteFailure).
 */
export function reportingChangeFailures(
  format: (formatted: GraphQLFormattedError) => GraphQLFormattedError,
  log: (message: string) => void,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const cause = causeOf(error, 'AUDIT_UNAVAILABLE');
    if (cause) log(`access log write failed (${writeFailureCause(cause)}): change not made (AUDIT_UNAVAILABLE)`);
    return format(formatted);
  };
}
