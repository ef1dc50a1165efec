// The officer's client: POST /graphql with the officer's token and the
// purpose PRIVACY_ADMINISTRATION on every request.

import { ApiError, describeError as describe, graphqlClient, tabSession } from '../shared/graphql.js';

export { ApiError };

export const session = tabSession('privql.officer.token');

export const graphql = graphqlClient({ session, purpose: 'PRIVACY_ADMINISTRATION' });

export const describeError = (err) =>
  describe(err, {
    forbidden: 'This token may not be used here: the dashboard needs a privacy officer (OFFICER) sign-in.',
    auditUnavailable: 'This cannot be shown right now because the access could not be recorded. Please try again shortly.',
  });
