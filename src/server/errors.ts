// Every error a caller sees has an extensions.code, and none carries a stack
// trace, SQL text or a customer value. Errors privql raises on purpose are
// GraphQLErrors with a code; anything else is an internal error whose message
// is replaced before it leaves the server.

import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { enumValuesHint } from './enumHint';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'AUDIT_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'REQUEST_TIMEOUT'
  | 'SERVER_BUSY'
  | 'INTERNAL_SERVER_ERROR';

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  AUDIT_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  REQUEST_TIMEOUT: 503,
  SERVER_BUSY: 503,
};

export function privqlError(code: ErrorCode, message: string, details: Record<string, unknown> = {}, httpStatus?: number, cause?: Error): GraphQLError {
  const status = httpStatus ?? HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: { code, ...details, ...(status ? { http: { status } } : {}) },
    // Kept for the operator's log (never in the answer: formatError sees only the formatted error).
    ...(cause ? { originalError: cause } : {}),
  });
}

/** The error a privql error was made from (`privqlError`'s cause), under the executor's wrapping; undefined when none. */
export function causeOf(error: unknown, code: ErrorCode): Error | undefined {
  for (let e: unknown = error; e instanceof GraphQLError; e = e.originalError) {
    if (e.extensions?.code === code && e.originalError && !(e.originalError instanceof GraphQLError)) return e.originalError;
  }
  return undefined;
}

export const forbidden = (message: string, reason: string) => privqlError('FORBIDDEN', message, { reason });
/** A refusal of the whole request (before execution): answered with HTTP 403. */
export const forbiddenRequest = (message: string, reason: string, more: Record<string, unknown> = {}) => privqlError('FORBIDDEN', message, { reason, ...more }, 403);
export const badUserInput = (message: string) => privqlError('BAD_USER_INPUT', message);
/** `reason` says which kind of failure (missing, expired, invalid, unknown role or app), so a client knows what to fix. */
export const unauthenticated = (message: string, reason: string) => privqlError('UNAUTHENTICATED', message, { reason });

/** Codes whose messages are written by privql or graphql-js and safe to pass on. */
const PASS_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'AUDIT_UNAVAILABLE',
  'RATE_LIMITED',
  'REQUEST_TIMEOUT',
  'SERVER_BUSY',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PASS_THROUGH.has(code)) {
    const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** formatError, and an unknown enum value of `schema` answered with the values it allows. */
export function errorFormatter(schema: GraphQLSchema): (formatted: GraphQLFormattedError) => GraphQLFormattedError {
  const hint = enumValuesHint(schema);
  return (formatted) => formatError(hint(formatted));
}
