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
import { Kind, getNamedType, getNullableType, isListType, isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { releaseRows, type NestedRows, type ReleaseShape, type Showing, type Slot } from '../plan/releasedRows';
import type { RequestPrivacy } from '../plan/requestPrivacy';
import { UnguardedAccessError } from '../../directives/guard';

export interface RowPresenter {
  /** The rows of a `customers` page, as `nodes` and `edges { node }` show them. */
  page(privacy: RequestPrivacy | undefined, rows: object[], info: GraphQLResolveInfo): object[];
  /** The row `customer(id)` (or `me`) found. */
  one(privacy: RequestPrivacy | undefined, row: object, info: GraphQLResolveInfo): object;
  /**
   * Whether the rows just presented for `info` decided every customer value
   * the operation shows: nothing in it is decided later, so the request's
   * access record is complete.
   */
  decidedEverything(info: GraphQLResolveInfo): boolean;
}

/** The guarded schema's: rows as read, decided field by field by the guard. */
export const ROWS_AS_READ: RowPresenter = {
  page: (_privacy, rows) => rows,
  one: (_privacy, row) => row,
  decidedEverything: () => false,
};

/**
 * The released schema's: `released` names each released type's fields (those
 * left without a guard there); `nestedOf` gives a row's nested rows (for the
 * released fields that hold rows of a released type).
 */
export function releasingRows(released: ReadonlyMap<string, ReadonlySet<string>>, nestedOf: NestedRows): RowPresenter {
  // Where rows are shown depends on the document and the variables only (not
  // on the request's path objects): worked out once per field node list and variables.
  const shapes = new WeakMap<readonly FieldNode[], WeakMap<object, ReleaseShape>>();
  const shapeOf = (info: GraphQLResolveInfo, listed: boolean): ReleaseShape => {
    let byVariables = shapes.get(info.fieldNodes);
    if (!byVariables) shapes.set(info.fieldNodes, (byVariables = new WeakMap()));
    let shape = byVariables.get(info.variableValues);
    if (!shape) byVariables.set(info.variableValues, (shape = releaseShape(info, listed, released)));
    return shape;
  };
  return {
    page: (privacy, rows, info) => releaseRows(required(privacy), rows, shapeOf(info, true), info.path, nestedOf),
    one: (privacy, row, info) => releaseRows(required(privacy), [row], shapeOf(info, false), info.path, nestedOf)[0],
    // One root field (the compiled executor's rule, checked again here): no other resolver shares the record.
    decidedEverything: (info) => onlyRootField(info) && shapes.get(info.fieldNodes)?.get(info.variableValues)?.complete === true,
  };
}

function releaseShape(info: GraphQLResolveInfo, listed: boolean, released: ReadonlyMap<string, ReadonlySet<string>>): ReleaseShape {
  const subfields = (type: GraphQLObjectType, nodes: readonly FieldNode[]) => collectSubfields(info.schema, info.fragments, info.variableValues, type, nodes);
  // Which fields a slot before this one already sets, per released object: a
  // row's own, or the nested rows of one of its fields (shared by its aliases).
  const shownOf = new Map<string, Set<string>>();
  const unshownOf = (typeName: string, owner: string) => [...(released.get(typeName) ?? [])].filter((field) => !shownOf.get(owner)?.has(field));
  const nestings: Array<{ owner: string; nested: { typeName: string; unshown: readonly string[] } }> = [];
  // Whether every field shown under the rows is released here (or __typename):
  // any other could be decided, and recorded, after the rows are released.
  let complete = true;
  const slotsOf = (type: GraphQLObjectType, nodes: readonly FieldNode[], owner: string): Slot[] => {
    const fields = released.get(type.name);
    const shown = shownOf.get(owner) ?? shownOf.set(owner, new Set()).get(owner)!;
    const slots: Slot[] = [];
    for (const [key, fieldNodes] of subfields(type, nodes)) {
      const field = fieldNodes[0].name.value;
      if (!fields?.has(field)) {
        if (field !== '__typename') complete = false;
        continue;
      }
      const fieldType = type.getFields()[field].type;
      const named = getNamedType(fieldType);
      const slot: Slot = { key, field, coordinate: `${type.name}.${field}`, sets: !shown.has(field) };
      shown.add(field);
      if (isObjectType(named)) {
        const nestedOwner = `${owner}.${field}`;
        slot.nested = { typeName: named.name, listed: isListType(getNullableType(fieldType)), slots: slotsOf(named, fieldNodes, nestedOwner), unshown: [] };
        nestings.push({ owner: nestedOwner, nested: slot.nested });
      }
      slots.push(slot);
    }
    return slots;
  };
  const customer = objectType(info, 'Customer');
  const places: Showing[][] = [];
  if (!listed) places.push([{ keys: {}, slots: slotsOf(customer, info.fieldNodes, '') }]);
  else {
    for (const [key, nodes] of subfields(objectType(info, 'CustomerConnection'), info.fieldNodes)) {
      const name = nodes[0].name.value;
      if (name === 'nodes') places.push([{ keys: { before: key }, slots: slotsOf(customer, nodes, '') }]);
      if (name !== 'edges') {
        if (!CONNECTION_FIELDS.has(name)) complete = false;
        continue;
      }
      const showings: Showing[] = [];
      for (const [after, nodeNodes] of subfields(objectType(info, 'CustomerEdge'), nodes)) {
        const edgeField = nodeNodes[0].name.value;
        if (edgeField === 'node') showings.push({ keys: { before: key, after }, slots: slotsOf(customer, nodeNodes, '') });
        else if (!EDGE_FIELDS.has(edgeField)) complete = false;
      }
      places.push(showings);
    }
  }
  // Known only once every showing is: what no slot of a released object sets.
  for (const { owner, nested } of nestings) nested.unshown = unshownOf(nested.typeName, owner);
  return { typeName: customer.name, places, listed, unshown: unshownOf(customer.name, ''), complete };
}

// What a page shows besides its rows: nothing of any customer is decided for
// these. Not totalCount: it runs a statement of its own after the rows, and a
// deadline that passes meanwhile must go in the same record, as on graphql-js.
const CONNECTION_FIELDS: ReadonlySet<string> = new Set(['nodes', 'pageInfo', '__typename']);
const EDGE_FIELDS: ReadonlySet<string> = new Set(['cursor', '__typename']);

/** The operation selects this one root field, directly (a fragment spread could hold others). */
function onlyRootField(info: GraphQLResolveInfo): boolean {
  const selections = info.operation.selectionSet.selections;
  return selections.length === 1 && selections[0].kind === Kind.FIELD && info.fieldNodes.length === 1 && selections[0] === info.fieldNodes[0];
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
