// The one deliberate exception to "every request carries a token"
// (DESIGN §4: privacyNotice is public). A request with no Authorization
// header whose every operation is a query of public fields only is answered
// here, by a GraphQL server of its own over a schema cut down to those
// fields: whatever this route is sent, it can only ever resolve the notice,
// and its context holds no caller, no loaders and no customer data. Any other
// request without a token goes on to the main server and is refused there as
// before (401, and logged).

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { filterSchema, pruneSchema } from '@graphql-tools/utils';
import type { Request, RequestHandler } from 'express';
import { Kind, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type ParseOptions, type SelectionSetNode, type ValidationRule } from 'graphql';
import { formatError } from '../../server/errors';
import { rateLimited } from '../../server/limits/rateLimits';
import { statusRulePlugin } from '../../server/statusRule';
import type { NoticeContext } from './resolvers';

/** The root fields anyone may query without a token. */
export const PUBLIC_QUERY_FIELDS: ReadonlySet<string> = new Set(['privacyNotice']);

export interface PublicRouteOptions {
  /** The full executable schema; the public one is cut from it. */
  schema: GraphQLSchema;
  context: NoticeContext;
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  /** Counts `reads` notices against `req`'s source: seconds to wait when it is over its limit, or null. */
  overLimit(req: Request, reads: number): Promise<number | null>;
}

export interface PublicRoute {
  handler: RequestHandler;
  stop(): Promise<void>;
}

export function publicSchemaOf(schema: GraphQLSchema): GraphQLSchema {
  return pruneSchema(filterSchema({ schema, rootFieldFilter: (operation, name) => operation === 'Query' && PUBLIC_QUERY_FIELDS.has(name) }));
}

export async function publicNoticeRoute(options: PublicRouteOptions): Promise<PublicRoute> {
  const server = new ApolloServer<NoticeContext>({
    schema: publicSchemaOf(options.schema),
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: false,
    persistedQueries: false,
    stopOnTerminationSignals: false,
    parseOptions: options.parseOptions,
    validationRules: options.validationRules,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), statusRulePlugin],
  });
  await server.start();
  const answer = expressMiddleware(server, { context: async () => options.context });
  return {
    handler: async (req, res, next) => {
      const reads = publicReadsOf(req, options.parseOptions);
      if (reads === 0) return next();
      // Each notice field is generated on its own (15 aliases: 15 notices,
      // ~470 kB), so each is counted: aliases do not multiply the allowance.
      const wait = await options.overLimit(req, reads);
      if (wait === null) return answer(req, res, next);
      const { message, extensions } = rateLimited('PUBLIC_RATE_LIMIT', wait);
      res.status(429).set('retry-after', String(wait)).json({ errors: [{ message, extensions: { code: extensions.code, reason: extensions.reason } }] });
    },
    stop: () => server.stop(),
  };
}

/** How many public fields a tokenless request selects when it selects nothing else; 0: not a public request. */
function publicReadsOf(req: Request, parseOptions: ParseOptions): number {
  if (req.headers.authorization !== undefined) return 0;
  const source = req.method === 'GET' ? req.query?.query : (req.body as { query?: unknown } | undefined)?.query;
  if (typeof source !== 'string') return 0;
  let document: DocumentNode;
  try {
    document = parse(source, parseOptions);
  } catch {
    return 0;
  }
  return publicFieldsSelected(document);
}

/**
 * Every definition is a query or a fragment, and every root field any query
 * selects (through fragments too) is a public field or __typename: how many
 * public field nodes are selected, or 0 when the document selects anything
 * else or no public field. Each fragment is walked once, however often it
 * is spread: walking it once per path would be exponential in a document
 * that spreads fragments twice at each of many levels, and this check runs
 * before any limit.
 */
export function publicFieldsSelected(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind !== Kind.OPERATION_DEFINITION || d.operation !== 'query') return 0;
  }
  const publicFields = new Set<FieldNode>();
  const checked = new Map<string, boolean>();
  const visiting = new Set<string>();
  const rootFieldsArePublic = (set: SelectionSetNode): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) {
        if (!PUBLIC_QUERY_FIELDS.has(s.name.value)) return s.name.value === '__typename';
        publicFields.add(s);
        return true;
      }
      if (s.kind === Kind.INLINE_FRAGMENT) return rootFieldsArePublic(s.selectionSet);
      const name = s.name.value;
      const known = checked.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      // A missing or cyclic fragment: let the main server refuse it.
      if (!fragment || visiting.has(name)) return false;
      visiting.add(name);
      const ok = rootFieldsArePublic(fragment.selectionSet);
      visiting.delete(name);
      checked.set(name, ok);
      return ok;
    });
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.length > 0 && operations.every((op) => rootFieldsArePublic(op.selectionSet)) ? publicFields.size : 0;
}
