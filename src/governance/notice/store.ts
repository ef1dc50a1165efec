// Published versions of the privacy notice, the outbox of notifications and
// acknowledgements. Publishing is one transaction: the new version, one
// notification per active customer and the access-log record are committed
// together or not at all, and a notice whose content is unchanged writes
// nothing.

import type { Knex } from 'knex';
import type { Catalog } from '../../../directives/catalog';
import type { AccessContext } from '../../audit/accessContext';
import { writeChangeRecord } from '../../audit/changeRecord';
import { ANONYMITY_POLICY } from '../../policy/anonymity';
import { COLLECTION_POLICY } from '../../policy/collection';
import { ROLE_POLICY } from '../../policy/roles';
import { OPT_OUT_TERMS } from '../../selfService/optOuts';
import { privqlError } from '../../server/errors';
import { describeChanges } from './changes';
import type { NoticeInputs, RegisteredApplication } from './facts';
import { generateNotice, noticeHash, type NoticeContent } from './generate';

/** What the notice is generated from besides the database: the catalog the server guards with, and configuration. */
export interface NoticeSource {
  catalog: Catalog;
  officerContact: string;
}

export interface StoredNotice {
  /** 0: nothing published yet; the notice as it would be published now. */
  version: number;
  effectiveAt: Date | null;
  content: NoticeContent;
  contentHash: string;
  changes: string[];
  publishedBy: string | null;
}

export interface PublishResult {
  status: 'PUBLISHED' | 'UNCHANGED';
  version: number;
  changes: string[];
  notificationsQueued: number;
}

// Publishers queue on this lock, so two at once cannot both make version N+1
// (and it needs no privilege: LOCK TABLE would need UPDATE).
const PUBLISH_LOCK = 0x70726976; // "priv"

export async function noticeInputs(db: Knex, source: NoticeSource): Promise<NoticeInputs> {
  const applications: RegisteredApplication[] = await db('applications').select('id', 'name', 'role', 'owner');
  return {
    catalog: source.catalog,
    rolePolicy: ROLE_POLICY,
    collection: COLLECTION_POLICY,
    applications,
    optOutTerms: OPT_OUT_TERMS,
    officerContact: source.officerContact,
    k: ANONYMITY_POLICY.k,
  };
}

/** The notice as the running annotations and policy give it now (version 0, a draft). */
export async function draftNotice(db: Knex, source: NoticeSource): Promise<StoredNotice> {
  const content = generateNotice(await noticeInputs(db, source));
  const contentHash = noticeHash(content);
  const latest = await readNotice(db);
  const changes = latest?.contentHash === contentHash ? [] : describeChanges(latest?.content ?? null, content);
  return { version: 0, effectiveAt: null, content, contentHash, changes, publishedBy: null };
}

/** A published version, the latest when `version` is absent; null when there is none. */
export async function readNotice(db: Knex, version?: number): Promise<StoredNotice | null> {
  const query = db('privacy_notices').select('version', 'effective_at', 'content', 'content_hash', 'change_summary', 'published_by');
  const row = await (version === undefined ? query.orderBy('version', 'desc') : query.where({ version })).first();
  if (!row) return null;
  return {
    version: row.version,
    effectiveAt: new Date(row.effective_at),
    content: row.content,
    contentHash: row.content_hash,
    changes: row.change_summary,
    publishedBy: row.published_by,
  };
}

export async function publishNotice(db: Knex, source: NoticeSource, actor: AccessContext): Promise<PublishResult> {
  return db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [PUBLISH_LOCK]);
    const latest = await readNotice(trx);
    const content = generateNotice(await noticeInputs(trx, source));
    const contentHash = noticeHash(content);
    if (latest && latest.contentHash === contentHash) return { status: 'UNCHANGED', version: latest.version, changes: [], notificationsQueued: 0 };
    const version = (latest?.version ?? 0) + 1;
    const changes = describeChanges(latest?.content ?? null, content);
    await trx('privacy_notices').insert({
      version,
      content: JSON.stringify(content),
      content_hash: contentHash,
      change_summary: JSON.stringify(changes),
      published_by: actor.principal ?? 'unknown',
    });
    // Erased customers are not told: there is no one to tell.
    const { rows } = (await trx.raw(
      `WITH queued AS (
         INSERT INTO notice_outbox (customer_id, version) SELECT id, ? FROM customers WHERE erased_at IS NULL RETURNING 1
       ) SELECT count(*)::int AS n FROM queued`,
      [version],
    )) as { rows: Array<{ n: number }> };
    const notificationsQueued = rows[0].n;
    await writeChangeRecord(trx, actor, {
      subjectId: null,
      fields: {},
      detail: { operation: 'publishPrivacyNotice', version, contentHash, notificationsQueued },
    });
    return { status: 'PUBLISHED', version, changes, notificationsQueued };
  });
}

export interface Acknowledgement {
  version: number;
  acknowledgedAt: Date;
}

/**
 * Records that the customer has read `version`; acknowledging it again
 * returns the first acknowledgement and writes nothing.
 */
export async function acknowledgeNotice(db: Knex, actor: AccessContext, customerId: string, version: number): Promise<Acknowledgement> {
  return db.transaction(async (trx) => {
    const active = await trx('customers').where({ id: customerId }).whereNull('erased_at').first('id');
    // Indistinguishable from a version that does not exist: the caller learns nothing else.
    if (!active) throw privqlError('BAD_USER_INPUT', 'there is no customer record to acknowledge for', { field: 'version' });
    if (!(await trx('privacy_notices').where({ version }).first('version'))) {
      throw privqlError('BAD_USER_INPUT', `version ${version} of the privacy notice has not been published`, { field: 'version' });
    }
    // ON CONFLICT: two acknowledgements racing each other both succeed, one is recorded.
    const [row] = await trx('notice_acknowledgements').insert({ customer_id: customerId, version }).onConflict(['customer_id', 'version']).ignore().returning('acknowledged_at');
    if (!row) {
      const held = await trx('notice_acknowledgements').where({ customer_id: customerId, version }).first('acknowledged_at');
      return { version, acknowledgedAt: new Date(held.acknowledged_at) };
    }
    await writeChangeRecord(trx, actor, { subjectId: customerId, fields: {}, detail: { operation: 'acknowledgePrivacyNotice', version } });
    return { version, acknowledgedAt: new Date(row.acknowledged_at) };
  });
}

/** The latest version the customer has acknowledged, or null. */
export async function acknowledgedVersion(db: Knex, customerId: string): Promise<number | null> {
  const row = await db('notice_acknowledgements').where({ customer_id: customerId }).max('version as v').first();
  return row?.v ?? null;
}
