// The schema the compiled executor (compiledExecution.ts) runs the customer
// queries on. It is the guarded schema but for one thing: the classified leaf
// fields of customers and orders have no guard, because their resolvers hand
// over rows already released (src/resolvers/rowPresenter.ts). graphql-jit
// then reads those values as plain properties: no resolver call, resolve-info
// object and promise check per field per row.
//
// Deny by default still holds: a released row carries nothing but the values
// its decisions let out; the released types accept only released rows
// (`isTypeOf`; anything else becomes an error whose message the server
// replaces, never a value); and every other classified field keeps its guard.

import { GraphQLObjectType, getNamedType, isLeafType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Catalog } from '../../directives/catalog';
import { guardCustomerFields } from '../../directives/guard';
import { isReleased, rawRowOf } from '../plan/releasedRows';
import { customerResolversWith } from '../resolvers/customers';
import { releasingRows } from '../resolvers/rowPresenter';
import { applyPermissions } from '../shield/permissions';

/** The types whose rows the customer resolvers release. */
const RELEASED_TYPES = ['Customer', 'Order', 'OptOuts'];

/**
 * `documented`: the schema before the field guard and the permissions, with
 * the guarded schema's resolvers (schema.ts).
 */
export function releasedSchema(documented: GraphQLSchema, catalog: Catalog): GraphQLSchema {
  const released = releasedFields(documented, catalog);
  const resolvers = customerResolversWith(releasingRows(released)) as unknown as Record<string, Record<string, unknown>>;
  const releasing = mapSchema(documented, {
    [MapperKind.OBJECT_TYPE]: (type) => (released.has(type.name) ? new GraphQLObjectType({ ...type.toConfig(), isTypeOf: isReleased }) : type),
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const resolve = resolvers[typeName]?.[fieldName] as GraphQLFieldResolver<unknown, unknown> | undefined;
      return resolve ? { ...config, resolve } : config;
    },
  });
  const unguarded = new Set([...released].flatMap(([typeName, fields]) => [...fields].map((field) => `${typeName}.${field}`)));
  // A released row holds only its released values: the fields still resolved
  // (and guarded) one by one are given the tagged row it was made from.
  return mapSchema(applyPermissions(guardCustomerFields(releasing, catalog, unguarded)), {
    [MapperKind.OBJECT_FIELD]: (config, _fieldName, typeName) => {
      const { resolve } = config;
      if (!released.has(typeName) || !resolve) return config;
      return { ...config, resolve: (row, args, context, info) => resolve(rawRowOf(row), args, context, info) };
    },
  });
}

/** Per released type, its classified fields of a leaf type with no resolver of their own: plain values of a row. */
export function releasedFields(schema: GraphQLSchema, catalog: Catalog): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const typeName of RELEASED_TYPES) {
    const type = schema.getType(typeName);
    if (!(type instanceof GraphQLObjectType)) continue;
    const fields = Object.values(type.getFields()).filter((field) => catalog.fields.has(`${typeName}.${field.name}`) && isLeafType(getNamedType(field.type)) && !field.resolve);
    out.set(typeName, new Set(fields.map((field) => field.name)));
  }
  return out;
}
