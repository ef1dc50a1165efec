// The schema the compiled executor (compiledExecution.ts) runs the customer
// queries on. It is the guarded schema but for one thing: the classified leaf
// fields of customers and orders have no guard, because their resolvers hand
// over rows already released (src/resolvers/rowPresenter.ts). graphql-jit
// then reads those values as plain properties: no resolver call, resolve-info
// object and promise check per field per row.
//
// Deny by default still holds: a released row's released fields hold nothing
// but the values their decisions let out (null when not shown); the released
// types accept only released rows
// (`isTypeOf`; anything else becomes an error whose message the server
// replaces, never a value); and every other classified field keeps its guard.

import { GraphQLObjectType, getNamedType, isLeafType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Catalog } from '../../directives/catalog';
import { guardCustomerFields } from '../../directives/guard';
import { isReleased, type NestedRows } from '../plan/releasedRows';
import { customerResolversWith, nestedRowsOf } from '../resolvers/customers';
import type { CustomerRow } from '../data/customerQueries';
import { releasingRows } from '../resolvers/rowPresenter';
import { applyPermissions } from '../shield/permissions';

/** The types whose rows the customer resolvers release. */
const RELEASED_TYPES = ['Customer', 'Order', 'OptOuts'];
/** Fields holding rows of a released type, released with their row (customers.ts `nestedRowsOf`). */
const NESTED_FIELDS = ['Customer.orders', 'Customer.optOuts'];

/**
 * `documented`: the schema before the field guard and the permissions, with
 * the guarded schema's resolvers (schema.ts).
 */
export function releasedSchema(documented: GraphQLSchema, catalog: Catalog): GraphQLSchema {
  const released = releasedFields(documented, catalog);
  const nestedOf: NestedRows = (field, row) => {
    const rows = nestedRowsOf(field, row as CustomerRow);
    // Compiled customer queries read a page's nested rows with it; anything else is a bug, not a value.
    if (rows === undefined) throw new Error(`Customer.${field} was not read with its row`);
    return rows;
  };
  const resolvers = customerResolversWith(releasingRows(released, nestedOf)) as unknown as Record<string, Record<string, unknown>>;
  const unguarded = new Set([...released].flatMap(([typeName, fields]) => [...fields].map((field) => `${typeName}.${field}`)));
  const releasing = mapSchema(documented, {
    [MapperKind.OBJECT_TYPE]: (type) => (released.has(type.name) ? new GraphQLObjectType({ ...type.toConfig(), isTypeOf: isReleased }) : type),
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      // A released field is a plain value of the released row, whatever resolver it has elsewhere.
      if (unguarded.has(`${typeName}.${fieldName}`)) return { ...config, resolve: undefined };
      const resolve = resolvers[typeName]?.[fieldName] as GraphQLFieldResolver<unknown, unknown> | undefined;
      return resolve ? { ...config, resolve } : config;
    },
  });
  return applyPermissions(guardCustomerFields(releasing, catalog, unguarded));
}

/**
 * Per released type, the fields a released row holds: its classified fields
 * of a leaf type with no resolver of their own, and those holding rows of
 * another released type that are read with the row (a customer's orders and
 * opt-outs).
 */
export function releasedFields(schema: GraphQLSchema, catalog: Catalog): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const typeName of RELEASED_TYPES) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) continue;
    const fields = Object.values(type.getFields()).filter((field) => {
      if (!catalog.fields.has(`${typeName}.${field.name}`)) return false;
      const named = getNamedType(field.type);
      return isLeafType(named) ? !field.resolve : RELEASED_TYPES.includes(named.name) && NESTED_FIELDS.includes(`${typeName}.${field.name}`);
    });
    out.set(typeName, new Set(fields.map((field) => field.name)));
  }
  return out;
}
