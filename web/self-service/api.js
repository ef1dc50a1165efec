// The customer's client: POST /graphql with the customer's token and the
// purpose SELF_SERVICE on every request.

import { ApiError, describeError as describe, graphqlClient } from '../shared/graphql.js';
import { session } from './session.js';

export { ApiError };

export const graphql = graphqlClient({ session, purpose: 'SELF_SERVICE' });

export const describeError = (err) =>
  describe(err, {
    forbidden: 'This token may not be used on this page (it must be a customer sign-in).',
    auditUnavailable: 'We cannot show your data right now because access to it could not be recorded. Please try again shortly.',
  });
