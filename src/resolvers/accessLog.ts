// Reading the access log: the officer's full view, the auditor's view with
// customers pseudonymized, and a customer's own history.

import { readAccessLog, type AccessEntry, type AccessLogFilter } from '../audit/accessLogReader';
import { pseudonymize } from '../masking';
import type { CustomerRow } from '../data/customerQueries';
import type { Decision } from '../policy/vocabulary';
import type { PrivqlContext } from '../server/context';
import { badUserInput, forbidden } from '../server/errors';
import { connection, pageSize, textArg, uuidArg } from './args';
import { parseIsoTime } from './isoTime';

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
  from?: string | null;
  to?: string | null;
}

/** How entries are shown to this caller. */
interface Presentation {
  pseudonymKey?: Uint8Array;
  hidePrincipal?: boolean;
}

export const accessLogResolvers = {
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
      return (await page(ctx, { subjectId: customer.id }, args, { hidePrincipal: ctx.caller.role === 'CUSTOMER' })).connection;
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
  const entries = await readAccessLog(ctx.db, filter, first + 1, after);
  const shown = entries.slice(0, first);
  return {
    entries: shown,
    connection: connection(shown, entries.length > first, (e) => ctx.cursors.encode('accessLog', `${e.seq}:${e.index}`), (e) => present(e, how)),
  };
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
  const asked = Object.fromEntries(
    Object.entries(filter).flatMap(([k, v]) => (v === undefined ? [] : [[k, v instanceof Date ? v.toISOString() : String(v)]])),
  );
  ctx.recorder.logReads.push({ filter: asked, entries: entries.length });
}

function present(e: AccessEntry, how: Presentation) {
  const hide = (id: string | null) => (id !== null && how.pseudonymKey ? pseudonymize(how.pseudonymKey, id) : id);
  return {
    seq: e.seq,
    at: e.at.toISOString(),
    requestId: e.requestId,
    app: e.app,
    principal: how.hidePrincipal ? null : e.role === 'CUSTOMER' ? hide(e.principal) : e.principal,
    role: e.role,
    purpose: e.purpose,
    view: e.view,
    outcome: e.outcome,
    subjectId: hide(e.subjectId),
    fields: e.fields,
    detail: Object.keys(e.detail).length > 0 ? JSON.stringify(e.detail) : null,
  };
}

function time(value: string | null | undefined, name: string): Date | undefined {
  if (value == null) return undefined;
  const date = parseIsoTime(value);
  if (!date) throw badUserInput(`${name} must be an ISO-8601 date or time (YYYY-MM-DD, years 0001-9999, optionally THH:MM[:SS] and an offset)`);
  return date;
}
