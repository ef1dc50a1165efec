// Wraps every classified field's resolver so the value that leaves the server
// is the one the request's plan allows. The wrapper stays synchronous for
// plain values: it runs once per field per row, and a promise per field is
// what makes large lists slow.

import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { RequestPrivacy } from '../src/plan/requestPrivacy';
import { subjectOf } from '../src/plan/subject';
import type { Catalog } from './catalog';

export interface GuardedContext {
  privacy?: RequestPrivacy;
}

export class UnguardedAccessError extends Error {}

/**
 * `releasedAhead`: fields left without a wrapper because their values are
 * decided before the executor reads them (src/server/releasedSchema.ts); every
 * other classified field is wrapped.
 */
export function guardCustomerFields(schema: GraphQLSchema, catalog: Catalog, releasedAhead: ReadonlySet<string> = new Set()): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const coordinate = `${typeName}.${fieldName}`;
      if (!catalog.fields.has(coordinate) || releasedAhead.has(coordinate)) return config;
      return { ...config, resolve: guardResolver(coordinate, config.resolve ?? defaultFieldResolver) };
    },
  });
}

function guardResolver(coordinate: string, resolve: GraphQLFieldResolver<unknown, GuardedContext>): GraphQLFieldResolver<unknown, GuardedContext> {
  return (source, args, context, info) => {
    const privacy = context.privacy;
    const subject = subjectOf(source);
    // Deny by default: a customer row that did not come through the data
    // layer (no subject tag) or a request without a privacy context is a bug,
    // and a bug must not turn into a leak.
    if (!privacy || !subject) throw new UnguardedAccessError(`unguarded read of ${coordinate}`);
    const decision = privacy.decide(coordinate, subject, info.path);
    if (decision.action === 'OMITTED') return null;
    const value = resolve(source, args, context, info);
    if (value instanceof Promise) return value.then((v) => privacy.transform(coordinate, decision, v, subject));
    return privacy.transform(coordinate, decision, value, subject);
  };
}
