// Reading the access log: the officer's full view, the auditor's view with
// customers pseudonymized, and a customer's own history.

import { readAccessLog, type AccessEntry, type AccessLogFilter, type WithinRecordOrder } from '../audit/accessLogReader';
import { pseudonymize } from '../masking';
import { keyedOrder, orderKeyFor, sortKeyOf } from '../plan/recipientOrder';
import { subjectIdOf } from '../plan/subject';
import type { CustomerRow } from '../data/customerQueries';
import type { Decision } from '../policy/vocabulary';
import type { PrivqlContext } from '../server/context';
import { badUserInput, forbidden } from '../server/errors';
import { connection, pageSize, textArg, uuidArg } from './args';
import { parseIsoTime } from './isoTime';
import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

export const MAX_LOG_PAGE = 500;

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

interface AccessLogArgs extends PageArgs {
  subjectId?: string | null;
  app?: string | null;
  role?: string | null;
  purpose?: string | null;
  outcome?: AccessEntry['outcome'] | null;
  from?: string | null;
  to?: string | null;
}

/** How entries are shown to this caller. */
interface Presentation {
  /** The auditor's: customers as pseudonyms, in an order of the auditor's own within each record. */
  pseudonymKey?: Uint8Array;
  /** A customer reading their own history: which application, role and purpose, not which employee, nor the details of others' requests. */
  forCustomer?: boolean;
}

/** A record's detail as itself, not as a string of JSON (output only). */
const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value, sent as itself (not as a string holding JSON).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => valueFromASTUntyped(ast),
});

export const accessLogResolvers = {
  JSON: JSONScalar,
  Query: {
    async accessLog(_: unknown, args: AccessLogArgs, ctx: PrivqlContext) {
      const auditor = ctx.caller.role === 'AUDITOR';
      if (args.subjectId != null && auditor) {
        throw forbidden('auditors see customers as pseudonyms and cannot look one up', 'SUBJECT_FILTER_NOT_ALLOWED');
      }
      const filter: AccessLogFilter = {
        subjectId: args.subjectId == null ? undefined : uuidArg(args.subjectId, 'subjectId'),
        app: textArg(args.app, 'app'),
        role: textArg(args.role, 'role'),
        purpose: args.purpose ?? undefined,
        outcome: args.outcome ?? undefined,
        from: time(args.from, 'from'),
        to: time(args.to, 'to'),
      };
      const result = await page(ctx, filter, args, auditor ? { pseudonymKey: ctx.pseudonymKey } : {});
      noteLogRead(ctx, filter, result.entries, auditor);
      return result.connection;
    },
  },
  Customer: {
    async accessHistory(customer: CustomerRow, args: PageArgs, ctx: PrivqlContext) {
      // Staff members' identities are their own personal data: a customer
      // learns which application, role and purpose, not which employee.
      // Recorded as the classified field Customer.accessHistory by the field guard.
      return (await page(ctx, { subjectId: subjectIdOf(customer) }, args, { forCustomer: ctx.caller.role === 'CUSTOMER' })).connection;
    },
  },
};

async function page(ctx: PrivqlContext, filter: AccessLogFilter, args: PageArgs, how: Presentation) {
  const first = pageSize(args.first, MAX_LOG_PAGE, 50);
  let after;
  if (args.after != null) {
    const decoded = ctx.cursors.decode('accessLog', args.after);
    const match = decoded ? /^(\d{1,19}):(\d{1,9})$/.exec(decoded) : null;
    if (!match) throw badUserInput('after is not a cursor this server issued to this caller for this list');
    after = { seq: match[1], index: Number(match[2]) };
  }
  const orderWithin = how.pseudonymKey ? auditorOrder(how.pseudonymKey) : undefined;
  const entries = await readAccessLog(ctx.db, filter, first + 1, after, orderWithin);
  const shown = entries.slice(0, first);
  return {
    entries: shown,
    connection: connection(shown, entries.length > first, (e) => ctx.cursors.encode('accessLog', `${e.seq}:${e.index}`), (e) => present(e, how), args.after ?? null),
  };
}

/** The auditor's order within a record: the same private order its application would get customers in. */
function auditorOrder(pseudonymKey: Uint8Array): WithinRecordOrder {
  const order = keyedOrder(orderKeyFor(pseudonymKey));
  return (id) => sortKeyOf(order, id);
}

const LOG_READ_CLEAR: Decision = { action: 'CLEAR', strategy: null, reason: 'PERSONAL_DATA_VIEW' };
const LOG_READ_PSEUDONYMIZED: Decision = { action: 'ANONYMIZED', strategy: 'PSEUDONYM', reason: 'ANONYMOUS_VIEW' };

// The customers whose entries were returned, and the one asked about (an
// empty answer tells something about them too), are recorded with the query.
function noteLogRead(ctx: PrivqlContext, filter: AccessLogFilter, entries: readonly AccessEntry[], pseudonymized: boolean): void {
  const decision = pseudonymized ? LOG_READ_PSEUDONYMIZED : LOG_READ_CLEAR;
  const use = ctx.recorder.fieldUse('Query.accessLog', [decision, decision]);
  const subjects = new Set(entries.flatMap((e) => (e.subjectId ? [e.subjectId] : [])));
  if (filter.subjectId) subjects.add(filter.subjectId);
  for (const subject of subjects) use.note(0, subject);
  // The customer asked about is in the record's subjects; written here too it
  // would reach whoever reads this record (the auditor, other customers) in clear.
  const { subjectId, ...rest } = filter;
  const asked: Record<string, string | boolean> = Object.fromEntries(
    Object.entries(rest).flatMap(([k, v]) => (v === undefined ? [] : [[k, v instanceof Date ? v.toISOString() : String(v)]])),
  );
  if (subjectId) asked.oneCustomer = true;
  ctx.recorder.logReads.push({ filter: asked, entries: entries.length });
}

/** An entry as a customer reading their own history sees it. */
export const presentForCustomer = (e: AccessEntry) => present(e, { forCustomer: true });

function present(e: AccessEntry, how: Presentation) {
  const hide = (id: string | null) => (id !== null && how.pseudonymKey ? pseudonymize(how.pseudonymKey, id) : id);
  return {
    seq: e.seq,
    at: e.at.toISOString(),
    requestId: e.requestId,
    app: e.app,
    principal: how.forCustomer ? null : e.role === 'CUSTOMER' ? hide(e.principal) : e.principal,
    role: e.role,
    purpose: e.purpose,
    view: e.view,
    outcome: e.outcome,
    subjectId: hide(e.subjectId),
    fields: e.fields,
    detail: how.forCustomer || Object.keys(e.detail).length === 0 ? null : JSON.parse(hideIds(JSON.stringify(e.detail), how.pseudonymKey)),
  };
}

// Whatever a record's detail holds (refusals, checkpoints, log queries), a
// customer id in it reaches the auditor only as that auditor's pseudonym.
const ANY_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
function hideIds(detail: string, pseudonymKey: Uint8Array | undefined): string {
  return pseudonymKey ? detail.replace(ANY_UUID, (id) => pseudonymize(pseudonymKey, id)) : detail;
}

function time(value: string | null | undefined, name: string): Date | undefined {
  if (value == null) return undefined;
  const date = parseIsoTime(value);
  if (!date) throw badUserInput(`${name} must be an ISO-8601 date or time (YYYY-MM-DD, years 0001-9999, optionally THH:MM[:SS] and an offset)`);
  return date;
}
