// Change requests: the check before any update (seed 3(3)). A proposal is
// checked and stored as a diff; nothing reaches the customer's record until
// the customer confirms it, and for identity fields until the privacy officer
// approves it. Each step runs in one transaction with its access-log record.

import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AccessContext } from '../audit/accessContext';
import { writeChangeRecord, type ChangeAction } from '../audit/changeRecord';
import { privqlError } from '../server/errors';
import { EDITABLE_FIELDS, checkProposal, diff, fieldNamed, needsReview, recheck, type Problem, type ProposedChange } from './profileFields';
import { activeCustomer, lockCustomer, noCustomerRecord } from './customerRecord';
import { coordinateOf } from './coordinates';

export const CONFIRMATION_WINDOW_HOURS = 24;

export interface ChangeRequestRow {
  id: string;
  customer_id: string;
  status: string;
  changes: ProposedChange[];
  notes: Problem[];
  needs_review: boolean;
  created_at: Date;
  confirmed_at: Date | null;
  decided_at: Date | null;
  decided_by: string | null;
  review_note: string | null;
}

/** BAD_USER_INPUT naming the first field refused, with every problem. */
export function refused(problems: readonly Problem[]) {
  const message = problems.length === 1 ? problems[0].message : `${problems.length} values cannot be accepted: ${problems.map((p) => p.field).join(', ')}`;
  return privqlError('BAD_USER_INPUT', message, { field: problems[0].field, problems });
}

async function currentValues(trx: Knex, customerId: string): Promise<Record<string, string | null>> {
  // Field names are constants of this module (some with a dot, which ?? would split).
  const select = EDITABLE_FIELDS.map((f) => trx.raw(`${f.current} AS "${f.name}"`));
  const row = await trx('customers as c').select(select).where('c.id', customerId).forUpdate().first();
  if (!row) throw noCustomerRecord();
  return row;
}

export async function proposeChange(db: Knex, actor: AccessContext, customerId: string, input: Record<string, unknown>): Promise<ChangeRequestRow> {
  const checked = checkProposal(input, new Date());
  if (checked.refusals.length > 0) throw refused(checked.refusals);
  return db.transaction(async (trx) => {
    await activeCustomer(trx, customerId);
    const { changes, unchanged } = diff(checked.values, await currentValues(trx, customerId));
    if (changes.length === 0) {
      throw privqlError('BAD_USER_INPUT', 'nothing to change: every value given is the one already held', { field: unchanged[0]?.field ?? 'input', problems: unchanged });
    }
    const review = needsReview(changes);
    const notes = [
      ...unchanged,
      ...changes.filter((c) => fieldNamed(c.field)?.identity).map((c) => ({ field: c.field, message: `${c.field} is checked by the privacy officer after you confirm; the whole request is applied when approved` })),
    ];
    await trx('change_requests').where({ customer_id: customerId, status: 'PENDING_CONFIRMATION' }).update({ status: 'SUPERSEDED', decided_at: trx.fn.now() });
    const [row] = await trx('change_requests')
      .insert({ id: randomUUID(), customer_id: customerId, status: 'PENDING_CONFIRMATION', changes: JSON.stringify(changes), notes: JSON.stringify(notes), needs_review: review })
      .returning('*');
    await writeChangeRecord(trx, actor, { subjectId: customerId, fields: actions(changes, 'PROPOSED'), detail: { operation: 'proposeProfileChange', changeRequest: row.id } });
    return row;
  });
}

// One answer for a request that does not exist and one that is someone
// else's, from one query that cannot tell them apart by its plan either.
const notWaiting = () => privqlError('BAD_USER_INPUT', 'no change request of yours with this id', { field: 'id' });

export async function confirmChange(db: Knex, actor: AccessContext, customerId: string, id: string): Promise<ChangeRequestRow> {
  return db.transaction(async (trx) => {
    await activeCustomer(trx, customerId);
    const request: (ChangeRequestRow & { expired: boolean }) | undefined = await trx('change_requests')
      .select('*', trx.raw(`created_at < now() - interval '${CONFIRMATION_WINDOW_HOURS} hours' AS expired`))
      .where({ id, customer_id: customerId })
      .forUpdate()
      .first();
    if (!request) throw notWaiting();
    if (request.status !== 'PENDING_CONFIRMATION') {
      throw privqlError('BAD_USER_INPUT', `this change request is ${request.status}, not waiting for your confirmation`, { field: 'id' });
    }
    if (request.expired) return settle(trx, actor, request, 'EXPIRED', 'confirmProfileChange');
    // The check before any update, once more: the same checks on the stored
    // values, and the record still as it was when the diff was made.
    const again = recheck(request.changes, new Date());
    if (again.length > 0) throw refused(again);
    if (await isStale(trx, customerId, request.changes)) return settle(trx, actor, request, 'STALE', 'confirmProfileChange');
    if (request.needs_review) {
      await trx('change_requests').where({ customer_id: customerId, status: 'PENDING_REVIEW' }).update({ status: 'SUPERSEDED', decided_at: trx.fn.now() });
      return settle(trx, actor, request, 'PENDING_REVIEW', 'confirmProfileChange', { confirmed_at: trx.fn.now() });
    }
    await apply(trx, customerId, request, actor.principal ?? 'unknown');
    return settle(trx, actor, request, 'APPLIED', 'confirmProfileChange', { confirmed_at: trx.fn.now(), decided_at: trx.fn.now() });
  });
}

export async function reviewChange(db: Knex, actor: AccessContext, id: string, approve: boolean, note: string | null): Promise<ChangeRequestRow> {
  return db.transaction(async (trx) => {
    // The request names its customer, whose row is locked first (lock order,
    // customerRecord.ts); then the request, read again under its lock.
    const owner: Pick<ChangeRequestRow, 'customer_id'> | undefined = await trx('change_requests').where({ id }).first('customer_id');
    if (owner) await lockCustomer(trx, owner.customer_id);
    const request: ChangeRequestRow | undefined = owner && (await trx('change_requests').where({ id }).forUpdate().first());
    if (!request) throw privqlError('BAD_USER_INPUT', 'no change request with this id', { field: 'id' });
    if (request.status !== 'PENDING_REVIEW') throw privqlError('BAD_USER_INPUT', `this change request is ${request.status}, not waiting for review`, { field: 'id' });
    const decided = { decided_at: trx.fn.now(), decided_by: actor.principal, review_note: note };
    if (!approve) return settle(trx, actor, request, 'REJECTED', 'reviewChangeRequest', decided);
    await activeCustomer(trx, request.customer_id);
    if (await isStale(trx, request.customer_id, request.changes)) return settle(trx, actor, request, 'STALE', 'reviewChangeRequest', decided);
    // Only here, for the officer: a customer proposing someone else's account
    // number learns nothing (no check at proposal), the officer is told.
    const account = request.changes.find((c) => c.field === 'accountNumber');
    if (account && (await trx('customers').where('account_number', account.to).whereNot('id', request.customer_id).first())) {
      throw privqlError('BAD_USER_INPUT', 'accountNumber is in use by another customer: reject this request', { field: 'accountNumber' });
    }
    await apply(trx, request.customer_id, request, actor.principal ?? 'unknown');
    return settle(trx, actor, request, 'APPLIED', 'reviewChangeRequest', decided);
  });
}

async function isStale(trx: Knex, customerId: string, changes: readonly ProposedChange[]): Promise<boolean> {
  const current = await currentValues(trx, customerId);
  return changes.some((c) => (current[c.field] ?? null) !== c.from);
}

async function apply(trx: Knex, customerId: string, request: ChangeRequestRow, by: string): Promise<void> {
  const columns: Record<string, unknown> = {};
  for (const change of request.changes) {
    const field = fieldNamed(change.field)!;
    columns[field.column] = field.toColumn(change.to);
  }
  await trx('customers').where({ id: customerId }).update(columns);
  await trx('profile_change_history').insert(
    request.changes.map((c) => ({ customer_id: customerId, change_request_id: request.id, field: c.field, before: c.from, after: c.to, changed_at: trx.fn.now(), changed_by: by })),
  );
}

const STATUS_ACTION: Record<string, ChangeAction> = {
  APPLIED: 'UPDATED',
  PENDING_REVIEW: 'REVIEW_REQUESTED',
  REJECTED: 'REJECTED',
  STALE: 'NOT_APPLIED_STALE',
  EXPIRED: 'NOT_APPLIED_EXPIRED',
};

/** Sets the request's new status and writes its access-log record, in the transaction. */
async function settle(trx: Knex, actor: AccessContext, request: ChangeRequestRow, status: string, operation: string, more: Record<string, unknown> = {}): Promise<ChangeRequestRow> {
  const [row] = await trx('change_requests').where({ id: request.id }).update({ status, ...more }).returning('*');
  await writeChangeRecord(trx, actor, {
    subjectId: request.customer_id,
    fields: actions(request.changes, STATUS_ACTION[status]),
    detail: { operation, changeRequest: request.id, status },
  });
  return row;
}

function actions(changes: readonly ProposedChange[], action: ChangeAction): Record<string, ChangeAction> {
  return Object.fromEntries(changes.map((c) => [coordinateOf(c.field), action]));
}

const PENDING = ['PENDING_CONFIRMATION', 'PENDING_REVIEW'];

/** Each customer's pending requests, newest first, in the order of `customerIds`. */
export async function pendingRequestsOf(db: Knex, customerIds: readonly string[]): Promise<ChangeRequestRow[][]> {
  const rows: ChangeRequestRow[] = await db('change_requests')
    .whereIn('customer_id', customerIds as string[])
    .whereIn('status', PENDING)
    .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
  return customerIds.map((id) => rows.filter((r) => r.customer_id === id));
}

export async function requestsByStatus(db: Knex, status: string, first: number): Promise<ChangeRequestRow[]> {
  return db('change_requests').where({ status }).orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(first);
}

export function assertNote(note: string | null | undefined): string | null {
  if (note == null) return null;
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(note)) throw privqlError('BAD_USER_INPUT', 'note must not contain control characters', { field: 'note' });
  if ([...note].length > 500) throw privqlError('BAD_USER_INPUT', 'note must be at most 500 characters', { field: 'note' });
  return note.trim() || null;
}

