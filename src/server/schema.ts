// Builds the executable schema: SDL from schema/, resolvers, the classification
// catalog (start-up fails here on an unclassified field), the data dictionary
// and the classification in field descriptions, the field guard, and the
// shield permissions, in that order.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { addResolversToSchema, makeExecutableSchema } from '@graphql-tools/schema';
import { mergeResolvers } from '@graphql-tools/merge';
import { readCatalog, type Catalog } from '../../directives/catalog';
import { guardCustomerFields } from '../../directives/guard';
import { accessLogResolvers } from '../resolvers/accessLog';
import { dataDictionaryResolvers } from '../resolvers/dataDictionary';
import { privacyReportResolvers } from '../resolvers/privacyReport';
import { reportFacts } from '../governance/report/facts';
import { dataDictionary } from '../governance/dataDictionary';
import { describeClassification } from '../governance/fieldDescription';
import { customerResolvers } from '../resolvers/customers';
import { customerStatsResolvers, type StatsOptions } from '../resolvers/customerStats';
import { selfServiceResolvers } from '../resolvers/selfService';
import { noticeResolvers } from '../governance/notice/resolvers';
import { applyPermissions } from '../shield/permissions';
import { releasedSchema } from './releasedSchema';
import { ANONYMITY_POLICY, validateAnonymityPolicy } from '../policy/anonymity';
import { COLLECTION_POLICY, validateCollectionPolicy } from '../policy/collection';
import { projectDir } from './webDir';

export interface PrivqlSchema {
  schema: GraphQLSchema;
  catalog: Catalog;
  /** What the compiled executor runs the customer queries on (releasedSchema.ts); without it, it runs on `schema`. */
  released?: GraphQLSchema;
}

export interface SchemaOptions {
  /** SDL to use instead of schema/*.graphql (tests of start-up refusal). */
  typeDefs?: string[];
  /** customerStats with another policy, clock or noise source (tests only). */
  stats?: StatsOptions;
}

export function buildPrivqlSchema(options: SchemaOptions = {}): PrivqlSchema {
  const base = makeExecutableSchema({
    typeDefs: options.typeDefs ?? loadSchemaFiles(),
    resolvers: [customerResolvers, accessLogResolvers, customerStatsResolvers(options.stats), selfServiceResolvers, noticeResolvers],
  });
  const catalog = readCatalog(base, ANONYMITY_POLICY.bandWidths);
  validateAnonymityPolicy(ANONYMITY_POLICY, catalog);
  validateCollectionPolicy(COLLECTION_POLICY, catalog);
  // The dictionary and the descriptions are read from the catalog that is enforced.
  const dictionary = dataDictionary(base, catalog, { anonymity: ANONYMITY_POLICY, collection: COLLECTION_POLICY });
  const documented = describeClassification(addResolversToSchema({ schema: base, resolvers: mergeResolvers([dataDictionaryResolvers(dictionary), privacyReportResolvers(reportFacts(base, catalog))]) }), catalog, COLLECTION_POLICY);
  return { schema: applyPermissions(guardCustomerFields(documented, catalog)), catalog, released: releasedSchema(documented, catalog) };
}

export function loadSchemaFiles(dir = projectDir('schema', 'customer.graphql')): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}
