// Applies the generated privacy views in one transaction: the views only
// when the generated SQL differs from what was applied last (its fingerprint
// is kept in privacy_view_state) or a view is missing, so a start with
// unchanged annotations changes no view. At every start either way: the
// reader roles get exactly their privileges back, and the pseudonym pads are
// rewritten (the secret may have changed; the embedded database's is random
// per start).

import type { Knex } from 'knex';
import type { Catalog } from '../../../directives/catalog';
import { pseudonymKeyFor } from '../../masking/pseudonym';
import { DATABASE_VIEWS, type DatabaseView } from '../../policy/databaseViews';
import { KEY_TABLE, generatePrivacyViews, type GeneratedViews } from './generate';
import { privacyNames } from './names';

export interface PrivacyViewsSetup {
  catalog: Catalog;
  pseudonymSecret: string;
  views?: readonly DatabaseView[];
}

export interface InstallResult {
  generated: GeneratedViews;
  /** Whether the views were (re)created by this call. */
  regenerated: boolean;
}

/** `knex` must be the owner's connection, in the data schema (search_path). */
export async function installPrivacyViews(knex: Knex, dataSchema: string | undefined, setup: PrivacyViewsSetup): Promise<InstallResult> {
  const names = privacyNames(dataSchema);
  const views = setup.views ?? DATABASE_VIEWS;
  const generated = generatePrivacyViews(setup.catalog, names, views);
  return knex.transaction(async (trx) => {
    // Two servers starting at once: the second waits, then finds the fingerprint current.
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`privql.privacy_views.${names.schema}`]);
    const state = await trx('privacy_view_state').where('id', 1).first();
    const regenerated = state?.fingerprint !== generated.fingerprint || state?.privacy_schema !== names.schema || !(await allViewsPresent(trx, names.schema, views.length));
    if (regenerated) {
      for (const statement of generated.statements) await trx.raw(statement);
      await trx.raw(
        `INSERT INTO privacy_view_state (id, fingerprint, privacy_schema, generated_at) VALUES (1, ?, ?, now())
         ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, privacy_schema = excluded.privacy_schema, generated_at = excluded.generated_at`,
        [generated.fingerprint, names.schema],
      );
    }
    for (const statement of generated.access) await trx.raw(statement);
    await trx(KEY_TABLE).delete();
    if (generated.pseudonymApps.length > 0) {
      await trx(KEY_TABLE).insert(generated.pseudonymApps.map((app) => ({ app, ...hmacPads(pseudonymKeyFor(setup.pseudonymSecret, app)) })));
    }
    return { generated, regenerated };
  });
}

// A view dropped by hand (or the whole schema) is put back even when the annotations did not change.
async function allViewsPresent(trx: Knex.Transaction, schema: string, expected: number): Promise<boolean> {
  const { rows } = await trx.raw('SELECT count(*)::int AS n FROM pg_views WHERE schemaname = ?', [schema]);
  return rows[0].n === expected;
}

// RFC 2104: the key, zero-padded to SHA-256's 64-byte block, XOR 0x36 and
// 0x5c. The views hash pad || message, exactly what pseudonymize() does.
const BLOCK = 64;

export function hmacPads(key: Uint8Array): { inner_pad: Buffer; outer_pad: Buffer } {
  if (key.length > BLOCK) throw new RangeError('pseudonym keys longer than a SHA-256 block are not supported here');
  const block = Buffer.alloc(BLOCK);
  Buffer.from(key).copy(block);
  return { inner_pad: Buffer.from(block.map((b) => b ^ 0x36)), outer_pad: Buffer.from(block.map((b) => b ^ 0x5c)) };
}
