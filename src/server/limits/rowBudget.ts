// The row budget: estimates how many values an operation can return — rows
// x fields, with list sizes multiplying down the tree — and refuses it
// before execution, so before any resolver or SQL runs. graphql-armor's cost
// limit multiplies only by a literal `first`; this also follows variables,
// the schema's defaults, fragments and aliases, and lists without a page
// argument (a customer's orders) at an estimated size.
//
// It runs when Apollo has resolved the operation (didResolveOperation): a
// validation rule would not see the variables (Apollo caches validation per
// document) and would have to take every `first: $n` at its largest, which
// refuses ordinary paged queries.

import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type DocumentNode,
} from 'graphql';
import { limitExceeded } from './refusal';
import type { PrivqlContext } from '../context';
import { Reservation, serverBusy, type InFlightBudget } from './inFlight';

export interface ListSizes {
  /** The largest `first` each paged field accepts, by coordinate (`Query.customers`). */
  maxPage: Readonly<Record<string, number>>;
  /** For a paged field not listed above. */
  defaultMaxPage: number;
  /** How many items a list without a page argument is assumed to hold, by coordinate (`Customer.orders`). */
  estimates: Readonly<Record<string, number>>;
  /** For a list not listed above. */
  defaultEstimate: number;
}

export interface RowBudgetOptions {
  budget: number;
  sizes: ListSizes;
  /** What all requests may hold at once, and how long a request may wait for its share (inFlight.ts). */
  inFlight?: { budget: InFlightBudget; waitMs: () => number };
}

/**
 * Refuses, with 400 GRAPHQL_VALIDATION_FAILED and reason ROW_BUDGET, an
 * operation estimated over the budget; holds the estimate of every other
 * against the in-flight budget until it is answered and its connection is
 * done with it (inFlight.ts).
 */
export function rowBudgetPlugin(options: RowBudgetOptions): ApolloServerPlugin<PrivqlContext> {
  return {
    async requestDidStart({ contextValue }) {
      const out = contextValue.responseGate?.lifecycle;
      // Over HTTP: once the answer, held until its record commits, is handed
      // to the connection and the connection is done with it (taken, or
      // closed). Without HTTP (executeOperation): once it is returned.
      const reservation = new Reservation<'sent' | 'gone' | 'answered'>(out ? ['sent', 'gone'] : ['answered']);
      out?.afterSent(() => reservation.end('sent'));
      out?.afterGone(() => reservation.end('gone'));
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const estimate = estimateOperation(schema, document, operation, request.variables ?? {}, options.sizes);
          if (estimate > options.budget) {
            const error = limitExceeded('ROW_BUDGET', operation);
            error.extensions.http = { status: 400 };
            throw error;
          }
          const inFlight = options.inFlight;
          if (!inFlight) return;
          // A request pipelined behind another waits for its turn on the
          // connection first: holding room it cannot use yet could keep the
          // one before it (waiting for that room) from ever finishing.
          // (Most requests have their turn already: no timer is set for them.)
          if (out && !out.onItsTurn && !(await within(out.hasItsTurn(), inFlight.waitMs()))) throw serverBusy();
          if (out?.gone) throw serverBusy();
          const { caller } = contextValue;
          reservation.grant(await inFlight.budget.reserve(estimate, inFlight.waitMs(), `${caller.app}\n${caller.sub}`));
          // The client left while this waited: nothing it asked for is read.
          if (out?.gone) throw serverBusy();
        },
        async willSendResponse() {
          if (!out) reservation.end('answered');
        },
      };
    },
  };
}

/** Whether `promise` settled within `ms`. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms)).unref()));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The values `operation` can return with these variables. */
export function estimateOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  sizes: ListSizes,
): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  return new Estimator(schema, document, operation, variables, sizes).estimate(operation.selectionSet, root, undefined);
}

/** Estimated values of selection sets; each fragment is estimated once per page size. */
class Estimator {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentEstimates = new Map<string, number>();
  private readonly inProgress = new Set<string>();
  private readonly variables: Record<string, unknown>;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Readonly<Record<string, unknown>>,
    private readonly sizes: ListSizes,
  ) {
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(def.name.value, def);
    // Variables not sent take the operation's defaults.
    this.variables = {};
    for (const def of operation.variableDefinitions ?? []) {
      if (def.defaultValue?.kind === Kind.INT) this.variables[def.variable.name.value] = Number(def.defaultValue.value);
    }
    Object.assign(this.variables, variables);
  }

  /** `page`: the page size of the paged field this selection set belongs to, which sizes its lists. */
  estimate(set: SelectionSetNode, type: GraphQLCompositeType, page: number | undefined): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += this.field(selection, type, page);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const narrowed = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type;
        if (isCompositeType(narrowed)) total += this.estimate(selection.selectionSet, narrowed, page);
      } else {
        total += this.spread(selection.name.value, page);
      }
    }
    return total;
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, page: number | undefined): number {
    const name = node.name.value;
    // __typename is one value; introspection is as large as the schema, not the data.
    if (name.startsWith('__')) return 1;
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
    const def = parent.getFields()[name];
    if (!def) return 0;
    const named = getNamedType(def.type);
    if (!isCompositeType(named) || !node.selectionSet) return 1;
    const coordinate = `${parent.name}.${name}`;
    const own = this.pageOf(node, def, coordinate);
    // A paged list (`optOutHistory(first:)`) has as many items as its page; a
    // connection (`customers(first:)`) passes its page to its nodes/edges.
    if (isList(def.type) && own !== undefined) return own === 0 ? 0 : own * this.estimate(node.selectionSet, named, undefined);
    const items = isList(def.type) ? (page ?? this.sizes.estimates[coordinate] ?? this.sizes.defaultEstimate) : 1;
    if (items === 0) return 0;
    const shown = this.estimate(node.selectionSet, named, own);
    // A connection reads its page whatever it shows of it: `pageInfo` or
    // `totalCount` alone under fifteen aliases read 7,500 rows and counted 15.
    return items * (own === undefined ? shown : Math.max(own, shown));
  }

  private spread(name: string, page: number | undefined): number {
    const key = `${name}@${page ?? ''}`;
    const known = this.fragmentEstimates.get(key);
    if (known !== undefined) return known;
    // Validation has refused fragment cycles; this only must not recurse forever.
    if (this.inProgress.has(key)) return 0;
    const fragment = this.fragments.get(name);
    const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !isCompositeType(type)) return 0;
    this.inProgress.add(key);
    const estimate = this.estimate(fragment.selectionSet, type, page);
    this.inProgress.delete(key);
    this.fragmentEstimates.set(key, estimate);
    return estimate;
  }

  /** The page size a field with a `first` argument asks for; undefined for other fields. */
  private pageOf(node: FieldNode, def: GraphQLField<unknown, unknown>, coordinate: string): number | undefined {
    const arg = def.args.find((a) => a.name === 'first');
    if (!arg) return undefined;
    const max = this.sizes.maxPage[coordinate] ?? this.sizes.defaultMaxPage;
    const fallback = typeof arg.defaultValue === 'number' ? Math.min(arg.defaultValue, max) : max;
    const value = node.arguments?.find((a) => a.name.value === 'first')?.value;
    let given: unknown;
    if (value === undefined || value.kind === Kind.NULL) return fallback;
    if (value.kind === Kind.INT) given = Number(value.value);
    else if (value.kind === Kind.VARIABLE) {
      if (!(value.name.value in this.variables)) return fallback;
      given = this.variables[value.name.value];
      if (given === null) return fallback;
    }
    // The resolver refuses a page over its maximum; until then, that maximum is the worst case.
    return Number.isSafeInteger(given) ? Math.max(0, Math.min(given as number, max)) : max;
  }
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
