// Self-service (issue 8): the customer's own changes, opt-outs, export and
// erasure request, and the officer's review and erasure queues. Every object
// returned is tagged with its customer, so the field guard decides and the
// access log records each value like any read; every change is also
// recorded, in its own transaction, by the store that makes it.

import type { Decision, OptOutKind } from '../policy/vocabulary';
import { subjectIdOf, tag } from '../plan/subject';
import type { CustomerRow } from '../data/customerQueries';
import { actorOf, type PrivqlContext } from '../server/context';
import { privqlError } from '../server/errors';
import { confirmChange, proposeChange, requestsByStatus, reviewChange, assertNote, type ChangeRequestRow } from '../selfService/changeRequests';
import { erasureRequestsByStatus, processErasure, requestErasure, type ErasureRequestRow } from '../selfService/erasure';
import { exportCustomer } from '../selfService/export';
import { HISTORY_PAGE, MAX_HISTORY_PAGE, OPT_OUT_TERMS, optOutsOf, setOptOut, type OptOutHistoryRow } from '../selfService/optOuts';
import { noCustomerRecord } from '../selfService/customerRecord';
import { UUID, pageSize } from './args';

export const MAX_QUEUE_PAGE = 200;

/** The calling customer's id; shield has already required role CUSTOMER for SELF_SERVICE. */
function customerId(ctx: PrivqlContext): string {
  if (!UUID.test(ctx.caller.sub)) throw noCustomerRecord();
  return ctx.caller.sub;
}

const subjectFor = (id: string) => ({ id, sensitiveDataUseOptedOut: true });
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function changeRequestNode(row: ChangeRequestRow) {
  const subject = subjectFor(row.customer_id);
  return tag(
    {
      id: row.id,
      status: row.status,
      changes: row.changes.map((c) => tag({ ...c }, subject)),
      problems: row.notes.map((p) => tag({ ...p }, subject)),
      needsReview: row.needs_review,
      createdAt: iso(row.created_at),
      confirmedAt: iso(row.confirmed_at),
      decidedAt: iso(row.decided_at),
      reviewNote: row.review_note,
      customerId: row.customer_id,
    },
    subject,
  );
}

export function erasureRequestNode(row: ErasureRequestRow) {
  return tag(
    { id: row.id, status: row.status, requestedAt: iso(row.requested_at), processedAt: iso(row.processed_at), customerId: row.customer_id },
    subjectFor(row.customer_id),
  );
}

const optOutChangeNode = (row: OptOutHistoryRow) => tag({ ...row }, subjectFor(row.customerId));

// Request ids are random UUIDs: a malformed one is answered like an unknown one.
const requestId = (id: string) => (UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000');

/** A customer's read of their own data outside `me` (the export, their notice acknowledgement), as the log records it. */
export const OWN_RECORD_READ: Decision = { action: 'CLEAR', strategy: null, reason: 'PERSONAL_DATA_VIEW' };

export const selfServiceResolvers = {
  Query: {
    optOutTerms: () => OPT_OUT_TERMS,

    async exportMyData(_: unknown, __: unknown, ctx: PrivqlContext) {
      const id = customerId(ctx);
      const data = await exportCustomer(ctx.db, id);
      if (!data) return null;
      // Recorded like a read of everything, before the response leaves.
      ctx.recorder.fieldUse('Query.exportMyData', [OWN_RECORD_READ, OWN_RECORD_READ]).note(0, id);
      return JSON.stringify(data);
    },

    async changeRequests(_: unknown, args: { status: string; first?: number | null }, ctx: PrivqlContext) {
      return (await requestsByStatus(ctx.db, args.status, pageSize(args.first, MAX_QUEUE_PAGE, 50))).map(changeRequestNode);
    },

    async erasureRequests(_: unknown, args: { status: string; first?: number | null }, ctx: PrivqlContext) {
      return (await erasureRequestsByStatus(ctx.db, args.status, pageSize(args.first, MAX_QUEUE_PAGE, 50))).map(erasureRequestNode);
    },
  },

  Mutation: {
    async proposeProfileChange(_: unknown, args: { input: Record<string, unknown> }, ctx: PrivqlContext) {
      return changeRequestNode(await proposeChange(ctx.db, actorOf(ctx), customerId(ctx), args.input));
    },

    async confirmProfileChange(_: unknown, args: { id: string }, ctx: PrivqlContext) {
      return changeRequestNode(await confirmChange(ctx.db, actorOf(ctx), customerId(ctx), requestId(args.id)));
    },

    async reviewChangeRequest(_: unknown, args: { id: string; approve: boolean; note?: string | null }, ctx: PrivqlContext) {
      return changeRequestNode(await reviewChange(ctx.db, actorOf(ctx), requestId(args.id), args.approve, assertNote(args.note)));
    },

    async setOptOut(_: unknown, args: { kind: OptOutKind; optedOut: boolean; consentVersion?: string | null }, ctx: PrivqlContext) {
      const id = customerId(ctx);
      await setOptOut(ctx.db, actorOf(ctx), id, { ...args, globalPrivacyControl: ctx.globalPrivacyControl });
      return tag(await optOutsOf(ctx.db, id), subjectFor(id));
    },

    async requestErasure(_: unknown, __: unknown, ctx: PrivqlContext) {
      return erasureRequestNode(await requestErasure(ctx.db, actorOf(ctx), customerId(ctx)));
    },

    async processErasure(_: unknown, args: { id: string }, ctx: PrivqlContext) {
      if (!UUID.test(args.id)) throw privqlError('BAD_USER_INPUT', 'no erasure request with this id', { field: 'id' });
      return erasureRequestNode(await processErasure(ctx.db, actorOf(ctx), args.id));
    },
  },

  Customer: {
    async optOutHistory(customer: CustomerRow, args: { first?: number | null }, ctx: PrivqlContext) {
      const first = pageSize(args.first, MAX_HISTORY_PAGE, HISTORY_PAGE);
      return (await ctx.loaders.optOutHistory.load(subjectIdOf(customer))).slice(0, first).map(optOutChangeNode);
    },
    async pendingChangeRequests(customer: CustomerRow, _: unknown, ctx: PrivqlContext) {
      return (await ctx.loaders.pendingChangeRequests.load(subjectIdOf(customer))).map(changeRequestNode);
    },
    async erasureRequests(customer: CustomerRow, _: unknown, ctx: PrivqlContext) {
      return (await ctx.loaders.erasureRequests.load(subjectIdOf(customer))).map(erasureRequestNode);
    },
  },
};
