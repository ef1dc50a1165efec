// Talks to POST /graphql as the signed-in customer: the bearer token and the
// purpose SELF_SERVICE on every request. GraphQL errors become ApiError with
// the server's code (and the field it names, when it names one).

import { session } from './session.js';

export class ApiError extends Error {
  constructor(message, { code = 'INTERNAL_SERVER_ERROR', field = null, problems = [], status = 0 } = {}) {
    super(message);
    this.code = code;
    this.field = field;
    /** BAD_USER_INPUT on a change: every field refused, [{ field, message }]. */
    this.problems = problems;
    this.status = status;
  }
}

export async function graphql(query, variables = {}) {
  const token = session.token;
  if (!token) throw new ApiError('You are not signed in.', { code: 'UNAUTHENTICATED' });
  let res;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${token}`,
        'x-purpose': 'SELF_SERVICE',
      },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('The server cannot be reached. Check your connection and try again.', { code: 'NETWORK' });
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered with an error (${res.status}).`, { status: res.status });
  }
  const error = body.errors?.[0];
  if (error) {
    const ext = error.extensions ?? {};
    const problems = Array.isArray(ext.problems) ? ext.problems : [];
    throw new ApiError(error.message, { code: ext.code, field: ext.field ?? null, problems, status: res.status });
  }
  return body.data;
}

/** Plain words for what went wrong; the server's message where it is meant for the user. */
export function describeError(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return 'Your sign-in has expired or is not valid. Please sign in again.';
    case 'FORBIDDEN':
      return 'This token may not be used on this page (it must be a customer sign-in).';
    case 'AUDIT_UNAVAILABLE':
      return 'We cannot show your data right now because access to it could not be recorded. Please try again shortly.';
    case 'BAD_USER_INPUT':
    case 'NETWORK':
      return err.message;
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
