// Applies the generated privacy views: in one transaction, and only when the
// generated SQL differs from what was applied last (its fingerprint is kept
// in privacy_view_state), so a start with unchanged annotations changes no
// view. The pseudonym pads are rewritten at every start either way: the
// secret may have changed (the embedded database's is random per start).

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
  const generated = generatePrivacyViews(setup.catalog, names, setup.views ?? DATABASE_VIEWS);
  return knex.transaction(async (trx) => {
    // Two servers starting at once: the second waits, then finds the fingerprint current.
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`privql.privacy_views.${names.schema}`]);
    const state = await trx('privacy_view_state').where('id', 1).first();
    const present = await trx('pg_namespace').where('nspname', names.schema).first();
    const regenerated = !present || state?.fingerprint !== generated.fingerprint || state?.privacy_schema !== names.schema;
    if (regenerated) {
      for (const statement of generated.statements) await trx.raw(statement);
      await trx.raw(
        `INSERT INTO privacy_view_state (id, fingerprint, privacy_schema, generated_at) VALUES (1, ?, ?, now())
         ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, privacy_schema = excluded.privacy_schema, generated_at = excluded.generated_at`,
        [generated.fingerprint, names.schema],
      );
    }
    await trx(KEY_TABLE).delete();
    if (generated.pseudonymApps.length > 0) {
      await trx(KEY_TABLE).insert(generated.pseudonymApps.map((app) => ({ app, ...hmacPads(pseudonymKeyFor(setup.pseudonymSecret, app)) })));
    }
    return { generated, regenerated };
  });
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
