// Reading the access log: the officer's full view, the auditor's view with
// customers pseudonymized, and a customer's own history.

import { readAccessLog, type AccessEntry, type AccessLogFilter } from '../audit/accessLogReader';
import { pseudonymize } from '../masking';
import type { CustomerRow } from '../data/customerQueries';
import type { PrivqlContext } from '../server/context';
import { badUserInput, forbidden } from '../server/errors';
import { UUID } from './customers';

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
        subjectId: args.subjectId == null ? undefined : uuid(args.subjectId, 'subjectId'),
        app: text(args.app, 'app'),
        role: text(args.role, 'role'),
        purpose: args.purpose ?? undefined,
        from: time(args.from, 'from'),
        to: time(args.to, 'to'),
      };
      return page(ctx, filter, args, auditor ? { pseudonymKey: ctx.pseudonymKey } : {});
    },
  },
  Customer: {
    async accessHistory(customer: CustomerRow, args: PageArgs, ctx: PrivqlContext) {
      // Staff members' identities are their own personal data: a customer
      // learns which application, role and purpose, not which employee.
      return page(ctx, { subjectId: customer.id }, args, { hidePrincipal: ctx.caller.role === 'CUSTOMER' });
    },
  },
};

async function page(ctx: PrivqlContext, filter: AccessLogFilter, args: PageArgs, how: Presentation) {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 0 || first > MAX_LOG_PAGE) throw badUserInput(`first must be between 0 and ${MAX_LOG_PAGE}`);
  let after;
  if (args.after != null) {
    const decoded = ctx.cursors.decode(args.after);
    const match = decoded ? /^log:(\d+):(\d+)$/.exec(decoded) : null;
    if (!match) throw badUserInput('after is not a cursor returned by this server');
    after = { seq: match[1], index: Number(match[2]) };
  }
  const entries = await readAccessLog(ctx.db, filter, first + 1, after);
  const shown = entries.slice(0, first);
  const edges = shown.map((e) => ({ cursor: ctx.cursors.encode(`log:${e.seq}:${e.index}`), node: present(e, how) }));
  return {
    nodes: edges.map((e) => e.node),
    edges,
    pageInfo: { hasNextPage: entries.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
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

// PostgreSQL text cannot hold NUL: refuse it as bad input rather than fail in SQL.
function text(value: string | null | undefined, name: string): string | undefined {
  if (value == null) return undefined;
  if (value.includes('\u0000')) throw badUserInput(`${name} must not contain NUL characters`);
  return value;
}

function uuid(value: string, name: string): string {
  if (!UUID.test(value)) throw badUserInput(`${name} is not a customer id`);
  return value;
}

function time(value: string | null | undefined, name: string): Date | undefined {
  if (value == null) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw badUserInput(`${name} must be an ISO-8601 date or time`);
  return date;
}
