// What every page needs to talk to POST /graphql as its signed-in user: the
// bearer token kept in the tab's sessionStorage (gone when the tab closes,
// never in a URL, where it would reach history, logs and Referer), and a
// client that sends it with the page's purpose and turns GraphQL errors into
// ApiError with the server's code (and the field it names, when it names one).

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

/** A token store under `key` in this tab's sessionStorage, in memory where storage is refused (private mode). */
export function tabSession(key) {
  let memory = null;
  return {
    get token() {
      try {
        return sessionStorage.getItem(key) ?? memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        sessionStorage.setItem(key, token);
      } catch {
        /* storage refused: memory only */
      }
    },
    clear() {
      memory = null;
      try {
        sessionStorage.removeItem(key);
      } catch {
        /* nothing stored */
      }
    },
  };
}

/** `graphql(query, variables)` for the token in `session`, declaring `purpose` (X-Purpose) on every request. */
export function graphqlClient({ session, purpose }) {
  return async function graphql(query, variables = {}) {
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
          'x-purpose': purpose,
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
  };
}

/** Plain words for what went wrong: the server's message where it is meant for the user; `forbidden` says what sign-in the page needs. */
export function describeError(err, { forbidden, auditUnavailable }) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return 'Your sign-in has expired or is not valid. Please sign in again.';
    case 'FORBIDDEN':
      return forbidden;
    case 'AUDIT_UNAVAILABLE':
      return auditUnavailable;
    case 'BAD_USER_INPUT':
    case 'NETWORK':
      return err.message;
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
