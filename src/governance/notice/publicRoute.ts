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
import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type ParseOptions, type SelectionSetNode, type ValidationRule } from 'graphql';
import { formatError } from '../../server/errors';
import { rateLimited } from '../../server/limits/rateLimits';
import type { NoticeContext } from './resolvers';

/** The root fields anyone may query without a token. */
export const PUBLIC_QUERY_FIELDS: ReadonlySet<string> = new Set(['privacyNotice']);

export interface PublicRouteOptions {
  /** The full executable schema; the public one is cut from it. */
  schema: GraphQLSchema;
  context: NoticeContext;
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  /** Seconds to wait when `req`'s source is over its limit, or null. */
  overLimit(req: Request): Promise<number | null>;
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
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
  });
  await server.start();
  const answer = expressMiddleware(server, { context: async () => options.context });
  return {
    handler: async (req, res, next) => {
      if (!isPublicRequest(req, options.parseOptions)) return next();
      const wait = await options.overLimit(req);
      if (wait === null) return answer(req, res, next);
      const { message, extensions } = rateLimited('PUBLIC_RATE_LIMIT', wait);
      res.status(429).set('retry-after', String(wait)).json({ errors: [{ message, extensions: { code: extensions.code, reason: extensions.reason } }] });
    },
    stop: () => server.stop(),
  };
}

function isPublicRequest(req: Request, parseOptions: ParseOptions): boolean {
  if (req.headers.authorization !== undefined) return false;
  const source = req.method === 'GET' ? req.query?.query : (req.body as { query?: unknown } | undefined)?.query;
  if (typeof source !== 'string') return false;
  let document: DocumentNode;
  try {
    document = parse(source, parseOptions);
  } catch {
    return false;
  }
  return selectsOnlyPublicFields(document);
}

/**
 * Every definition is a query or a fragment, and every root field any query
 * selects (through fragments too) is a public field or __typename, at least
 * one of them public.
 */
export function selectsOnlyPublicFields(document: DocumentNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind !== Kind.OPERATION_DEFINITION || d.operation !== 'query') return false;
  }
  let publicFields = 0;
  const visiting = new Set<string>();
  const rootFieldsArePublic = (set: SelectionSetNode): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) {
        if (!PUBLIC_QUERY_FIELDS.has(s.name.value)) return s.name.value === '__typename';
        publicFields++;
        return true;
      }
      if (s.kind === Kind.INLINE_FRAGMENT) return rootFieldsArePublic(s.selectionSet);
      const fragment = fragments.get(s.name.value);
      // A missing or cyclic fragment: let the main server refuse it.
      if (!fragment || visiting.has(fragment.name.value)) return false;
      visiting.add(fragment.name.value);
      const ok = rootFieldsArePublic(fragment.selectionSet);
      visiting.delete(fragment.name.value);
      return ok;
    });
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.length > 0 && operations.every((op) => rootFieldsArePublic(op.selectionSet)) && publicFields > 0;
}
