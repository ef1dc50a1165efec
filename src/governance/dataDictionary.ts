// The data dictionary (pure): every classified field with its class, the
// purposes it may be used for in clear, how it is masked and anonymized, where
// it is collected and whether it is a quasi-identifier of the anonymous
// release. Read from the same catalog and policies the server enforces.

import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Catalog } from '../../directives/catalog';
import { quasiIdentifierOf, type AnonymityPolicy } from '../policy/anonymity';
import { collectionChannelsOf, type CollectionChannel, type CollectionPolicy } from '../policy/collection';
import type { Anonymizer, Classification, Mask, Purpose } from '../policy/vocabulary';

export interface DictionaryEntry {
  /** Schema coordinate, e.g. `Customer.email`. */
  coordinate: string;
  /** The field's GraphQL type as written in the SDL, e.g. `String`, `[Order!]`. */
  type: string;
  classification: Classification;
  purposes: Purpose[];
  mask: Mask | null;
  anonymize: Anonymizer | null;
  /** Width of BAND (mask or anonymizer), from the anonymity policy; null when the field is not banded. */
  bandWidth: number | null;
  collectionChannels: CollectionChannel[];
  /** The quasi-identifier (dimension of the anonymous release) this field belongs to; null when none. */
  quasiIdentifier: string | null;
}

export interface DictionaryPolicies {
  anonymity: AnonymityPolicy;
  collection: CollectionPolicy;
}

/** One entry per classified field, in catalog order (types as the schema lists them, fields as written). */
export function dataDictionary(schema: GraphQLSchema, catalog: Catalog, policies: DictionaryPolicies): DictionaryEntry[] {
  return [...catalog.fields.values()].map((field) => {
    const banded = field.mask === 'BAND' || field.anonymize === 'BAND';
    return {
      coordinate: field.coordinate,
      type: typeOf(schema, field.coordinate),
      classification: field.classification,
      purposes: [...field.purposes],
      mask: field.mask,
      anonymize: field.anonymize,
      bandWidth: banded ? (policies.anonymity.bandWidths[field.coordinate] ?? null) : null,
      collectionChannels: [...collectionChannelsOf(policies.collection, field.coordinate)],
      quasiIdentifier: quasiIdentifierOf(policies.anonymity, field.coordinate)?.name ?? null,
    };
  });
}

function typeOf(schema: GraphQLSchema, coordinate: string): string {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  return field ? String(field.type) : '';
}
