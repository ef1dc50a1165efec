// privql's own schema and resolvers without the field guard: nothing is
// decided, transformed or logged. Bench-only (`npm run bench`'s "privacy off",
// bench:compare's "privql, no privacy"): the server itself has no such switch.
// Served with NO_LOG: the resolvers still note what a lookup or a filter
// compared (src/resolvers/customers.ts), and the real log would write it.

import { makeExecutableSchema } from '@graphql-tools/schema';
import { readCatalog } from '../../directives/catalog';
import { ANONYMITY_POLICY } from '../../src/policy/anonymity';
import { accessLogResolvers } from '../../src/resolvers/accessLog';
import { customerResolvers } from '../../src/resolvers/customers';
import { loadSchemaFiles, type PrivqlSchema } from '../../src/server/schema';
import { applyPermissions } from '../../src/shield/permissions';
import type { AccessLog } from '../../src/audit/accessLogWriter';

/** An access log that writes nothing, for the servers measured without one. */
export const NO_LOG: AccessLog = { writeRequest: async () => undefined, writeDenied: async () => undefined };

export function unguardedSchema(): PrivqlSchema {
  const base = makeExecutableSchema({ typeDefs: loadSchemaFiles(), resolvers: [customerResolvers, accessLogResolvers] });
  return { schema: applyPermissions(base), catalog: readCatalog(base, ANONYMITY_POLICY.bandWidths) };
}
