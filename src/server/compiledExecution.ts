// Executes the hot queries with graphql-jit: each operation is compiled once
// into JavaScript (per document and operation name, in a bounded cache)
// instead of being interpreted field by field for every row. It is plugged in
// under Apollo as a "gateway" (Apollo's documented hook for a custom
// executor), so parsing, validation, every plugin (the access-log write
// included) and error formatting stay Apollo's.
//
// Only operations whose answer cannot differ from graphql-js's are compiled:
// a query with one root field among COMPILED_ROOTS (with several, graphql-js
// and graphql-jit may list errors in another order), no introspection, no
// directive, no variable of an input object type, and variables graphql-js
// accepts (its coercion errors are the ones callers get).
// Everything else, and anything graphql-jit cannot compile, runs on
// graphql-js's `execute` as before. test/compiledExecution.test.ts compares
// the two answer for answer and log record for log record.

import {
  BREAK,
  GraphQLError,
  Kind,
  execute,
  parse,
  visit,
  getNamedType,
  isInputObjectType,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** The root fields worth compiling: the customer list and lookup, every row's fields guarded. */
const COMPILED_ROOTS: ReadonlySet<string> = new Set(['customers', 'customer']);
/** Compiled operations kept; the oldest goes first. A compiled query is a few kB of code. */
const MAX_COMPILED = 500;

type Result = ExecutionResult<Record<string, unknown>>;

/** How many operations ran compiled, since the process started (tests check the fast path was taken). */
export const compiledRuns = { count: 0 };

/**
 * `released`: the schema compiled operations run on (releasedSchema.ts): the
 * same types and fields as `schema`, on which everything else runs.
 */
export function compiledGateway(schema: GraphQLSchema, released: GraphQLSchema = schema): GatewayInterface {
  const cache = new Map<string, CompiledQuery | null>();
  const compiledFor = (request: GatewayGraphQLRequestContext): CompiledQuery | null => {
    const key = `${request.operationName ?? ''}\n${request.queryHash}`;
    let entry = cache.get(key);
    if (entry === undefined) {
      // From a document of its own: graphql-jit writes its conditions onto the
      // field nodes it compiles, and Apollo shares a parsed document between
      // requests (and operations) of the same text.
      entry = compilable(schema, request) ? compile(released, parse(request.source), request.operationName) : null;
      if (cache.size >= MAX_COMPILED) cache.delete(cache.keys().next().value!);
      cache.set(key, entry);
    }
    return entry;
  };
  const executor: GatewayExecutor = async (request) => {
    const { document, operation, context } = request;
    const variableValues = request.request.variables;
    // No operation: the name matched none, or several and no name. graphql-js
    // answers that, and Apollo turns its error into a 400.
    const compiled = operation ? compiledFor(request) : null;
    if (!compiled || !variablesAccepted(schema, operation, variableValues)) {
      // The name the client sent, as Apollo's own execute passes it (the
      // resolved name is null when it matched nothing).
      return (await execute({ schema, document, contextValue: context, variableValues, operationName: request.request.operationName })) as Result;
    }
    compiledRuns.count++;
    const result = (await compiled.query(undefined, context, variableValues ?? {})) as Result;
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      // The schema never changes while the server runs.
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return { executor };
    },
    async stop() {
      cache.clear();
    },
  };
}

function compilable(schema: GraphQLSchema, { operation, source, document }: GatewayGraphQLRequestContext): boolean {
  if (operation.operation !== 'query') return false;
  // graphql-jit's variable coercion recurses without end on a recursive input
  // type (CustomerFilter's and/or) until the heap is exhausted: a variable of
  // any input object type is left to graphql-js. Literal arguments are fine.
  const inputObjectVariable = operation.variableDefinitions?.some((v) => {
    const type = typeFromAST(schema, v.type);
    return type !== undefined && isInputObjectType(getNamedType(type));
  });
  if (inputObjectVariable) return false;
  const [root, ...more] = operation.selectionSet.selections;
  if (more.length > 0 || root.kind !== Kind.FIELD || !COMPILED_ROOTS.has(root.name.value)) return false;
  // Introspection below a customer field is impossible today; a cheap, conservative check keeps it so.
  return !/__schema|__type\b/.test(source) && !hasDirectives(document);
}

/**
 * graphql-jit gets @skip/@include wrong where graphql-js does not: a fragment
 * spread under a skipped field is shown, a fragment spread under different
 * conditions loses its fields, an explicit null condition is taken as false;
 * and it hands resolvers the field nodes a condition left out (so rows would
 * be released, and logged, for fields not shown). A document with any
 * directive runs on graphql-js (test/compiledExecution.shapes.test.ts).
 */
function hasDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive() {
      found = true;
      return BREAK;
    },
  });
  return found;
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | null {
  try {
    const result = compileQuery(schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
    return isCompiledQuery(result) ? result : null;
  } catch {
    return null;
  }
}

function variablesAccepted(schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: Record<string, unknown> | undefined): boolean {
  if (!operation.variableDefinitions?.length) return true;
  return !('errors' in getVariableValues(schema, operation.variableDefinitions, inputs ?? {}, { maxErrors: 1 }));
}

/**
 * graphql-jit's errors are its own GraphQLError look-alike, with no
 * extensions at all when a plain Error was thrown: Apollo would then fail to
 * format it (and drop its path). The same error as graphql-js builds it:
 * message, path, the original error and its extensions, and jit's locations.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const { message, path, locations, originalError } = error;
  const rebuilt = new GraphQLError(message, { path, originalError: originalError ?? undefined });
  return Object.assign(rebuilt, { locations: locations?.length ? locations : undefined });
}
