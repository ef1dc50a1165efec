// GraphQL: privacyNotice (public), publishPrivacyNotice (the officer) and
// acknowledgePrivacyNotice (a customer). The public field is resolved with a
// context that has nothing but the database and the notice's source, on the
// public route too (publicRoute.ts), so it cannot reach customer data.

import type { Knex } from 'knex';
import { actorOf, type PrivqlContext } from '../../server/context';
import { privqlError } from '../../server/errors';
import { OWN_RECORD_READ } from '../../resolvers/selfService';
import { noCustomerRecord } from '../../selfService/customerRecord';
import { UUID } from '../../resolvers/args';
import { acknowledgeNotice, acknowledgedVersion, draftNotice, noticeInputs, publishNotice, readNotice, type NoticeSource, type StoredNotice } from './store';
import { generateNotice, noticeHash } from './generate';

/** What the public field needs, and all the public route's context holds. */
export interface NoticeContext {
  db: Knex;
  notice: NoticeSource;
}

const MAX_VERSION = 1_000_000;

async function privacyNotice(_: unknown, args: { version?: number | null }, ctx: NoticeContext | PrivqlContext) {
  const version = args.version ?? undefined;
  if (version !== undefined && (version < 0 || version > MAX_VERSION)) {
    throw privqlError('BAD_USER_INPUT', `version must be between 0 and ${MAX_VERSION}`, { field: 'version' });
  }
  // Once a version is published, the draft (what the next publication would
  // say: a new partner, a changed purpose) is the officer's to announce, not
  // anyone's to read ahead. Before that, the draft is what applies.
  if (version === 0 && !isOfficer(ctx) && (await readNotice(ctx.db, undefined))) {
    throw privqlError('FORBIDDEN', 'the draft of the next privacy notice is for the privacy officer: ask for privacyNotice without a version for the published one', { reason: 'DRAFT_NOT_PUBLIC' });
  }
  const stored = version === 0 ? null : await readNotice(ctx.db, version);
  if (!stored && version !== undefined && version !== 0) return null;
  const notice = stored ?? (await draftNotice(ctx.db, ctx.notice));
  const currentHash = stored ? noticeHash(generateNotice(await noticeInputs(ctx.db, ctx.notice))) : notice.contentHash;
  return noticeNode(notice, currentHash);
}

const isOfficer = (ctx: NoticeContext | PrivqlContext) => 'caller' in ctx && ctx.caller.role === 'OFFICER';

function noticeNode(notice: StoredNotice, currentHash: string) {
  return {
    version: notice.version,
    status: notice.version === 0 ? 'DRAFT' : 'PUBLISHED',
    effectiveAt: notice.effectiveAt?.toISOString() ?? null,
    contentHash: notice.contentHash,
    changes: notice.changes,
    upToDate: notice.contentHash === currentHash,
    clauses: notice.content.clauses,
    json: JSON.stringify(notice.content),
  };
}

export const noticeQueryResolvers = { privacyNotice };

export const noticeResolvers = {
  Query: {
    ...noticeQueryResolvers,
    async acknowledgedPrivacyNotice(_: unknown, __: unknown, ctx: PrivqlContext) {
      if (!UUID.test(ctx.caller.sub)) throw noCustomerRecord();
      const active = await ctx.db('customers').where({ id: ctx.caller.sub }).whereNull('erased_at').first('id');
      if (!active) return null;
      // What the customer acknowledged is about them: recorded like a read of their record.
      ctx.recorder.fieldUse('Query.acknowledgedPrivacyNotice', [OWN_RECORD_READ, OWN_RECORD_READ]).note(0, ctx.caller.sub);
      return acknowledgedVersion(ctx.db, ctx.caller.sub);
    },
  },
  Mutation: {
    publishPrivacyNotice: (_: unknown, _args: unknown, ctx: PrivqlContext) => publishNotice(ctx.db, ctx.notice, actorOf(ctx)),
    async acknowledgePrivacyNotice(_: unknown, args: { version: number }, ctx: PrivqlContext) {
      if (!UUID.test(ctx.caller.sub)) throw noCustomerRecord();
      if (!(args.version >= 1 && args.version <= MAX_VERSION)) throw privqlError('BAD_USER_INPUT', 'version must be a published version (1 or more)', { field: 'version' });
      const ack = await acknowledgeNotice(ctx.db, actorOf(ctx), ctx.caller.sub, args.version);
      return { version: ack.version, acknowledgedAt: ack.acknowledgedAt.toISOString() };
    },
  },
};
