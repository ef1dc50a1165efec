// What the report says about the schema and policy rather than the data:
// the data dictionary and the exposure matrix, both computed from the same
// catalog and policies the server enforces (the security-review modules), once.

import type { GraphQLSchema } from 'graphql';
import type { Catalog } from '../../../directives/catalog';
import { ANONYMITY_POLICY } from '../../policy/anonymity';
import { COLLECTION_POLICY } from '../../policy/collection';
import { dataDictionary, type DictionaryEntry } from '../dataDictionary';
import { exposureMatrix, type ExposureMatrix } from '../exposureMatrix';
import type { ClassOf } from './logTally';

export interface ReportFacts {
  dictionary: DictionaryEntry[];
  exposure: ExposureMatrix;
  classOf: ClassOf;
}

export function reportFacts(schema: GraphQLSchema, catalog: Catalog): ReportFacts {
  return {
    dictionary: dataDictionary(schema, catalog, { anonymity: ANONYMITY_POLICY, collection: COLLECTION_POLICY }),
    exposure: exposureMatrix(catalog),
    classOf: (coordinate) => catalog.fields.get(coordinate)?.classification,
  };
}
