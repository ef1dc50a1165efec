// Query.dataDictionary: the dictionary is a fact of the schema and policy, so
// it is computed once when the schema is built and served as is.

import type { DictionaryEntry } from '../governance/dataDictionary';

/** An entry as the GraphQL type DataDictionaryEntry has it (also in the privacy report's data model). */
export const presentDictionaryEntry = (e: DictionaryEntry) => ({ ...e, classification: e.classification.toUpperCase(), isQuasiIdentifier: e.quasiIdentifier !== null });

export function dataDictionaryResolvers(entries: readonly DictionaryEntry[]) {
  const answer = entries.map(presentDictionaryEntry);
  return { Query: { dataDictionary: () => answer } };
}
