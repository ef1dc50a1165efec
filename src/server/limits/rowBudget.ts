// The row budget: estimates how many values a query can return — rows x
// fields, with list sizes multiplying down the tree — and refuses it during
// validation, before any resolver or SQL runs. graphql-armor's cost limit
// multiplies only by a literal `first`; this follows variables (at their
// worst), the schema's defaults, fragments and aliases, and lists without a
// page argument (a customer's orders) at an estimated size.
//
// It is a validation rule, so it sees the document and not the variables
// (Apollo caches validated documents): a `first` given as a variable counts
// as the largest page the field allows.

import {
  Kind,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { limitExceeded } from './refusal';

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
  /** Sees every estimate (tests and tuning). */
  onEstimate?: (estimate: number) => void;
}

export function rowBudgetRule(options: RowBudgetOptions): ValidationRule {
  return (context) => {
    const estimator = new Estimator(context, options.sizes);
    const visitor: ASTVisitor = {
      OperationDefinition(operation) {
        const root = context.getSchema().getRootType(operation.operation);
        if (!root) return false;
        const estimate = estimator.estimate(operation.selectionSet, root, undefined);
        options.onEstimate?.(estimate);
        if (estimate > options.budget) context.reportError(limitExceeded('ROW_BUDGET', operation));
        return false;
      },
    };
    return visitor;
  };
}

/** Estimated values of selection sets; each fragment is estimated once per page size. */
class Estimator {
  private readonly fragments = new Map<string, number>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly context: ValidationContext,
    private readonly sizes: ListSizes,
  ) {}

  /** `page`: the page size of the paged field this selection set belongs to, which sizes its lists. */
  estimate(set: SelectionSetNode, type: GraphQLCompositeType, page: number | undefined): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += this.field(selection, type, page);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const narrowed = selection.typeCondition ? this.context.getSchema().getType(selection.typeCondition.name.value) : type;
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
    if (!def) return 0; // reported by FieldsOnCorrectTypeRule
    const named = getNamedType(def.type);
    if (!isCompositeType(named) || !node.selectionSet) return 1;
    const coordinate = `${parent.name}.${name}`;
    const items = isList(def.type) ? (page ?? this.sizes.estimates[coordinate] ?? this.sizes.defaultEstimate) : 1;
    if (items === 0) return 0;
    return items * this.estimate(node.selectionSet, named, this.pageOf(node, def, coordinate));
  }

  private spread(name: string, page: number | undefined): number {
    const key = `${name}@${page ?? ''}`;
    const known = this.fragments.get(key);
    if (known !== undefined) return known;
    // A cycle is reported by NoFragmentCyclesRule; here it only must not recurse forever.
    if (this.inProgress.has(key)) return 0;
    const fragment = this.context.getFragment(name);
    const type = fragment && this.context.getSchema().getType(fragment.typeCondition.name.value);
    if (!fragment || !isCompositeType(type)) return 0;
    this.inProgress.add(key);
    const estimate = this.estimate(fragment.selectionSet, type, page);
    this.inProgress.delete(key);
    this.fragments.set(key, estimate);
    return estimate;
  }

  /** The page size a field with a `first` argument asks for; undefined for other fields. */
  private pageOf(node: FieldNode, def: GraphQLField<unknown, unknown>, coordinate: string): number | undefined {
    const arg = def.args.find((a) => a.name === 'first');
    if (!arg) return undefined;
    const max = this.sizes.maxPage[coordinate] ?? this.sizes.defaultMaxPage;
    const value = node.arguments?.find((a) => a.name.value === 'first')?.value;
    // The resolver refuses a page over its maximum; until then, that maximum is the worst case.
    if (value?.kind === Kind.INT) return Math.max(0, Math.min(Number(value.value), max));
    if (value === undefined || value.kind === Kind.NULL) return typeof arg.defaultValue === 'number' ? Math.min(arg.defaultValue, max) : max;
    return max; // a variable: its value is not known during validation
  }
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
