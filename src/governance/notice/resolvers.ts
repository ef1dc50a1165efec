// GraphQL: privacyNotice (public), publishPrivacyNotice (the officer) and
// acknowledgePrivacyNotice (a customer). The public field is resolved with a
// context that has nothing but the database and the notice's source, on the
// public route too (publicRoute.ts), so it cannot reach customer data.

import type { Knex } from 'knex';
import type { PrivqlContext } from '../../server/context';
import { privqlError } from '../../server/errors';
import { actorOf } from '../../resolvers/selfService';
import { noCustomerRecord } from '../../selfService/customerRecord';
import { UUID } from '../../resolvers/args';
import { acknowledgeNotice, draftNotice, noticeInputs, publishNotice, readNotice, type NoticeSource, type StoredNotice } from './store';
import { generateNotice, noticeHash } from './generate';

/** What the public field needs, and all the public route's context holds. */
export interface NoticeContext {
  db: Knex;
  notice: NoticeSource;
}

const MAX_VERSION = 1_000_000;

async function privacyNotice(_: unknown, args: { version?: number | null }, ctx: NoticeContext) {
  const version = args.version ?? undefined;
  if (version !== undefined && (version < 0 || version > MAX_VERSION)) {
    throw privqlError('BAD_USER_INPUT', `version must be between 0 and ${MAX_VERSION}`, { field: 'version' });
  }
  const stored = version === 0 ? null : await readNotice(ctx.db, version);
  if (!stored && version !== undefined && version !== 0) return null;
  const notice = stored ?? (await draftNotice(ctx.db, ctx.notice));
  const currentHash = stored ? noticeHash(generateNotice(await noticeInputs(ctx.db, ctx.notice))) : notice.contentHash;
  return noticeNode(notice, currentHash);
}

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
  Query: noticeQueryResolvers,
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
