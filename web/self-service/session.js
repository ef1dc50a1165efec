// The customer's sign-in, in this tab only.

import { tabSession } from '../shared/graphql.js';

export const session = tabSession('privql.selfService.token');
