// Query.dataDictionary: the dictionary is a fact of the schema and policy, so
// it is computed once when the schema is built and served as is.

import type { DictionaryEntry } from '../governance/dataDictionary';

export function dataDictionaryResolvers(entries: readonly DictionaryEntry[]) {
  const answer = entries.map((e) => ({ ...e, classification: e.classification.toUpperCase(), isQuasiIdentifier: e.quasiIdentifier !== null }));
  return { Query: { dataDictionary: () => answer } };
}
