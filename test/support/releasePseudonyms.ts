// The analyst's pseudonyms are of the release-scoped id (epoch:customer id,
// src/anonymity/releaseEpoch.ts). Tests that work out the customer behind a
// pseudonym, as an insider holding the secret could, read the current epoch
// from the meta row first.

import type { Knex } from 'knex';
import { releaseScopedId } from '../../src/anonymity/releaseEpoch';
import { pseudonymKeyFor, pseudonymize } from '../../src/masking';

export async function currentEpoch(db: Knex): Promise<string> {
  const row = await db('anonymous_release_meta').where({ id: 1 }).first('epoch');
  return row.epoch as string;
}

/** Pseudonym → real id, for these customers under the app's key and the release's current epoch. */
export async function releasePseudonyms(db: Knex, secret: string, app: string, ids: readonly string[]): Promise<Map<string, string>> {
  const key = pseudonymKeyFor(secret, app);
  const epoch = await currentEpoch(db);
  return new Map(ids.map((id) => [pseudonymize(key, releaseScopedId(epoch, id)), id]));
}
