// One status rule for every GraphQL answer (issue 10, item 7), after the
// GraphQL-over-HTTP spec: a request refused as a whole gets a 4xx (or 5xx)
// status, a partly successful one 200.
//
// "Refused as a whole" is decided from what the answer holds, so it holds
// however the refusal came about (the token or X-Purpose, checked before
// execution; a root field the role may not use, a filter on a masked field or
// a bad argument, refused before the field reads anything): the answer
// carries errors and no root field was answered — `data` is null or absent,
// or every root field in it is null. Such an answer gets the status of its
// gravest error (a server failure over a refusal, a refusal over a bad argument). An answer with at least one root field answered stays 200,
// its errors describing the fields that were not.

import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

/** The HTTP status of a request refused as a whole, by the code that refused it. */
export const WHOLE_REQUEST_STATUS: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  // Apollo answers it 200 for APQ clients; refused before execution, it is a 400 here like any other (APQ clients read the body either way).
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  INTERNAL_SERVER_ERROR: 500,
  AUDIT_UNAVAILABLE: 503,
  REQUEST_TIMEOUT: 503,
  SERVER_BUSY: 503,
};

/** The status an answer should have under the rule, or undefined to leave it as it is (200). */
export function wholeRequestStatus(result: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }): number | undefined {
  if (!result.errors?.length) return undefined;
  const answered = result.data ? Object.values(result.data).some((value) => value !== null) : false;
  if (answered) return undefined;
  // Codes this rule does not know (none today) leave the status alone rather than guess.
  const statuses = result.errors.flatMap((e) => WHOLE_REQUEST_STATUS[String(e.extensions?.code)] ?? []);
  return statuses.length > 0 ? Math.max(...statuses) : undefined;
}

export const statusRulePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        // A status already decided (401, 403 before execution, 400 validation, 503 withheld) stands.
        if (response.http.status !== undefined && response.http.status !== 200) return;
        const status = wholeRequestStatus(response.body.singleResult);
        if (status !== undefined) response.http.status = status;
      },
    };
  },
};
