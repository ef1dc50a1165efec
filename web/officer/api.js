// POST /graphql as the signed-in officer: the bearer token from this tab's
// sessionStorage and the purpose PRIVACY_ADMINISTRATION on every request.

const KEY = 'privql.officer.token';
let memory = null;

export const session = {
  get token() {
    try {
      return sessionStorage.getItem(KEY) ?? memory;
    } catch {
      return memory;
    }
  },
  set(token) {
    memory = token;
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      /* storage refused: memory only */
    }
  },
  clear() {
    memory = null;
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      /* nothing stored */
    }
  },
};

export class ApiError extends Error {
  constructor(message, code = 'INTERNAL_SERVER_ERROR') {
    super(message);
    this.code = code;
  }
}

export async function graphql(query, variables = {}) {
  const token = session.token;
  if (!token) throw new ApiError('You are not signed in.', 'UNAUTHENTICATED');
  let res;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'PRIVACY_ADMINISTRATION' },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('The server cannot be reached. Check your connection and try again.', 'NETWORK');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered with an error (${res.status}).`);
  }
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code);
  return body.data;
}

/** Plain words for what went wrong. */
export function describeError(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return 'Your sign-in has expired or is not valid. Please sign in again.';
    case 'FORBIDDEN':
      return 'This token may not be used here: the dashboard needs a privacy officer (OFFICER) sign-in.';
    case 'AUDIT_UNAVAILABLE':
      return 'This cannot be shown right now because the access could not be recorded. Please try again shortly.';
    case 'BAD_USER_INPUT':
    case 'NETWORK':
      return err.message;
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
