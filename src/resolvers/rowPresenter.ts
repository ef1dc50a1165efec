// How the customer resolvers hand their rows to the executor. On the guarded
// schema (graphql-js) rows go out as read and each field's guard decides its
// value. On the released schema (the compiled executor, see
// src/server/releasedSchema.ts) the rows are released first, here, for the
// response keys this request shows them at: the executor then reads plain
// values.
//
// Which keys a request shows is worked out with graphql-js's own field
// collection (fragments, aliases, @skip/@include with this request's
// variables), once per document and variables, not per row.

import { collectSubfields } from 'graphql/execution/collectFields';
import { getNamedType, isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { releaseRows, type ReleaseShape, type Showing, type Slot } from '../plan/releasedRows';
import type { RequestPrivacy } from '../plan/requestPrivacy';
import { UnguardedAccessError } from '../../directives/guard';

export interface RowPresenter {
  /** The rows of a `customers` page, as `nodes` and `edges { node }` show them. */
  page(privacy: RequestPrivacy | undefined, rows: object[], info: GraphQLResolveInfo): object[];
  /** The row `customer(id)` found, or one nested object of a row (its opt-outs). */
  one(privacy: RequestPrivacy | undefined, row: object, info: GraphQLResolveInfo): object;
  /** One customer's orders. */
  orders(privacy: RequestPrivacy | undefined, orders: object[], info: GraphQLResolveInfo): object[];
}

/** The guarded schema's: rows as read, decided field by field by the guard. */
export const ROWS_AS_READ: RowPresenter = {
  page: (_privacy, rows) => rows,
  one: (_privacy, row) => row,
  orders: (_privacy, orders) => orders,
};

/**
 * The released schema's: `released` names each released type's fields (those
 * left without a guard there).
 */
export function releasingRows(released: ReadonlyMap<string, ReadonlySet<string>>): RowPresenter {
  // Where rows are shown depends on the document and the variables only (not
  // on the request's path objects): worked out once per field node list and variables.
  const shapes = new WeakMap<readonly FieldNode[], WeakMap<object, ReleaseShape>>();
  const shapeOf = (info: GraphQLResolveInfo, kind: Kind): ReleaseShape => {
    let byVariables = shapes.get(info.fieldNodes);
    if (!byVariables) shapes.set(info.fieldNodes, (byVariables = new WeakMap()));
    let shape = byVariables.get(info.variableValues);
    if (!shape) byVariables.set(info.variableValues, (shape = releaseShape(info, kind, released)));
    return shape;
  };
  return {
    page: (privacy, rows, info) => releaseRows(required(privacy), rows, shapeOf(info, 'page'), info.path),
    one: (privacy, row, info) => releaseRows(required(privacy), [row], shapeOf(info, 'one'), info.path)[0],
    orders: (privacy, orders, info) => releaseRows(required(privacy), orders, shapeOf(info, 'orders'), info.path),
  };
}

type Kind = 'page' | 'one' | 'orders';

function releaseShape(info: GraphQLResolveInfo, kind: Kind, released: ReadonlyMap<string, ReadonlySet<string>>): ReleaseShape {
  const subfields = (typeName: string, nodes: readonly FieldNode[]) => collectSubfields(info.schema, info.fragments, info.variableValues, objectType(info, typeName), nodes);
  const typeName = kind === 'page' ? 'Customer' : getNamedType(info.returnType).name;
  const fields = released.get(typeName) ?? new Set<string>();
  const shown = new Set<string>();
  const slotsOf = (nodes: readonly FieldNode[]): Slot[] => {
    const slots: Slot[] = [];
    for (const [key, [node]] of subfields(typeName, nodes)) {
      const field = node.name.value;
      if (!fields.has(field)) continue;
      slots.push({ key, field, coordinate: `${typeName}.${field}`, sets: !shown.has(field) });
      shown.add(field);
    }
    return slots;
  };
  if (kind !== 'page') return { typeName, places: [[{ keys: {}, slots: slotsOf(info.fieldNodes) }]], listed: kind === 'orders' };
  const places: Showing[][] = [];
  for (const [key, nodes] of subfields('CustomerConnection', info.fieldNodes)) {
    const name = nodes[0].name.value;
    if (name === 'nodes') places.push([{ keys: { before: key }, slots: slotsOf(nodes) }]);
    if (name !== 'edges') continue;
    const showings: Showing[] = [];
    for (const [after, nodeNodes] of subfields('CustomerEdge', nodes)) {
      if (nodeNodes[0].name.value === 'node') showings.push({ keys: { before: key, after }, slots: slotsOf(nodeNodes) });
    }
    places.push(showings);
  }
  return { typeName, places, listed: true };
}

// Deny by default, as the field guard does: no privacy context, no values.
function required(privacy: RequestPrivacy | undefined): RequestPrivacy {
  if (!privacy) throw new UnguardedAccessError('rows released without a privacy context');
  return privacy;
}

function objectType(info: GraphQLResolveInfo, name: string): GraphQLObjectType {
  const type = info.schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}
