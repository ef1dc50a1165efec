// The classification written into each classified field's description, so
// introspection (and GraphiQL's docs) shows what the annotations say without
// reading the SDL. Computed from the catalog when the schema is built; the
// SDL files stay as they are.

import type { GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Catalog } from '../../directives/catalog';
import { collectionChannelsOf, type CollectionChannel, type CollectionPolicy } from '../policy/collection';
import type { FieldPolicy } from '../policy/vocabulary';

const CHANNEL_LABEL: Readonly<Record<CollectionChannel, string>> = {
  WEB_FORM: 'web form',
  STORE: 'store',
  CALL_CENTRE: 'call centre',
  PURCHASES: 'purchases',
  INFERRED: 'inferred',
  ASSIGNED: 'assigned',
  RECORDED: 'recorded',
};

/** e.g. `Classification: @personal · purposes: CUSTOMER_SERVICE · masked: EMAIL · anonymized: SUPPRESS · collected: web form, store`. */
export function classificationNote(policy: FieldPolicy, channels: readonly CollectionChannel[]): string {
  const width = policy.bandWidth === undefined ? '' : ` (width ${policy.bandWidth})`;
  const strategy = (name: string | null) => (name === null ? 'none' : name === 'BAND' ? `BAND${width}` : name);
  return [
    `Classification: @${policy.classification}`,
    `purposes: ${policy.purposes.length > 0 ? policy.purposes.join(', ') : 'none'}`,
    `masked: ${strategy(policy.mask)}`,
    `anonymized: ${strategy(policy.anonymize)}`,
    `collected: ${channels.length > 0 ? channels.map((c) => CHANNEL_LABEL[c]).join(', ') : 'undeclared'}`,
  ].join(' · ');
}

/** `schema` with the classification note appended to every classified field's description. */
export function describeClassification(schema: GraphQLSchema, catalog: Catalog, collection: CollectionPolicy): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => {
      const policy = catalog.fields.get(`${typeName}.${fieldName}`);
      if (!policy) return config;
      const note = classificationNote(policy, collectionChannelsOf(collection, policy.coordinate));
      return { ...config, description: config.description ? `${config.description}\n\n${note}` : note };
    },
  });
}
