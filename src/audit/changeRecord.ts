// A self-service change (or the officer's decision on one) in the access log.
// Written with the change's own transaction, so a change is committed
// together with its record or not at all: there is no change without one.
//
// The record names the fields and what happened to them, never the values:
// the log is append-only and outlives an erasure, so a value written here
// could never be erased. The values live in profile_change_history, which
// erasure scrubs.

import type { Knex } from 'knex';
import { detailOf, type AccessContext } from './accessContext';
import { privqlError } from '../server/errors';

/** What a change record can say was done to a field (FieldAccess.action in GraphQL, with the read actions). */
export const CHANGE_ACTIONS = [
  'PROPOSED', 'UPDATED', 'REVIEW_REQUESTED', 'REJECTED', 'NOT_APPLIED_STALE', 'NOT_APPLIED_EXPIRED',
  'OPTED_OUT', 'OPTED_IN', 'ERASURE_REQUESTED', 'ERASED',
] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

export interface ChangeRecord {
  /** The customer changed; null for a change that concerns no one customer (a privacy notice published). */
  subjectId: string | null;
  /** Schema coordinate to what was done to it, e.g. `Customer.email` → `UPDATED`. */
  fields: Record<string, ChangeAction>;
  /** What was done (operation) and to which request: ids and names, no values. */
  detail: Record<string, unknown>;
}

export async function writeChangeRecord(db: Knex, ctx: AccessContext, change: ChangeRecord): Promise<void> {
  const fields = Object.fromEntries(Object.entries(change.fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const insert = db.raw(
    `INSERT INTO access_log (request_id, app, principal, role, purpose, view, outcome, subject_ids, accesses, detail)
     VALUES (?, ?, ?, ?, ?, ?, 'CHANGE', ?::uuid[], ?, ?)`,
    [
      ctx.requestId, ctx.app, ctx.principal, ctx.role, ctx.purpose, ctx.view,
      change.subjectId === null ? '{}' : `{${change.subjectId}}`,
      JSON.stringify([{ fields, subjects: change.subjectId === null ? [] : [change.subjectId] }]),
      JSON.stringify(detailOf(ctx, change.detail)),
    ],
  );
  // Thrown inside the change's transaction, this rolls the change back too.
  // The database's error goes with it for the operator's log (app.ts), which says only its SQLSTATE.
  await insert.catch((err: unknown) => {
    throw privqlError('AUDIT_UNAVAILABLE', 'the access log cannot be written; the change was not made', {}, undefined, err instanceof Error ? err : undefined);
  });
}
