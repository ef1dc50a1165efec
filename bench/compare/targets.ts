// A target is one server asked one query by one caller: a row of the
// results. This module lists them and checks that each one answers HTTP 200
// with the data and no errors, since a bench that measures error responses
// measures nothing.

import { answerOf, floorPath, postgraphileQuery, privqlQuery, type QueryName } from './queries';
import type { BenchServer } from './processes';
import { ROLE_POLICY, viewFor } from '../../src/policy/roles';
import type { Purpose, Role } from '../../src/policy/vocabulary';

export type Family = 'privql' | 'postgraphile' | 'floor';
export type Kind = 'privql' | 'privql-off' | 'privql-minimal-log' | 'postgraphile' | 'floor';

export interface HttpRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Target {
  /** The row's server column, e.g. "privql AGENT". */
  label: string;
  kind: Kind;
  family: Family;
  query: QueryName;
  server: BenchServer;
  request: HttpRequest;
}

export interface Caller {
  role: string;
  token: string;
  purpose: string;
}

export interface Servers {
  privql: BenchServer;
  privqlOff: BenchServer;
  privqlMinimalLog: BenchServer;
  postgraphile?: BenchServer;
  floorStringify: BenchServer;
  floorJsonAgg: BenchServer;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * privql without privacy and log asked as `role`: for a view that leaves
 * opted-out customers out, the same rows without the guard and the record.
 * The plain baseline is asked as OFFICER, who sees everyone, so against it
 * such a view's ratio also counts the consent check itself.
 */
export const sameRowsLabel = (role: string) => `privql, no privacy/log, ${role}'s rows`;
/** The role of a sameRowsLabel, or undefined for any other label. */
export const sameRowsRole = (label: string) => /^privql, no privacy\/log, (\w+)'s rows$/.exec(label)?.[1];
/** The roles also measured with a minimal committed record: the fastest and the most common list. */
const MINIMAL_LOG_ROLES = ['AGENT', 'OFFICER'];

function graphql(query: string, caller?: Caller): HttpRequest {
  const auth: Record<string, string> = caller ? { authorization: `Bearer ${caller.token}`, 'x-purpose': caller.purpose } : {};
  return { path: '/graphql', headers: { ...JSON_HEADERS, ...auth }, body: JSON.stringify({ query }) };
}

const floor = (path: string): HttpRequest => ({ path, headers: JSON_HEADERS, body: '{}' });

/**
 * Every row: privql per role on the list and customer(id), ANALYST on
 * customerStats; privql without privacy (as `offCaller`) and the others on
 * the same queries; customerStats where the server has it; and AGENT and
 * OFFICER on privql with a minimal committed record instead of the log.
 */
export function buildTargets(s: Servers, callers: Caller[], offCaller: Caller, customerId: string, first: number): Target[] {
  const targets: Target[] = [];
  const add = (label: string, kind: Kind, family: Family, server: BenchServer, query: QueryName, request: HttpRequest) =>
    targets.push({ label, kind, family, server, query, request });
  for (const q of ['list', 'customer'] as const) {
    const privql = q === 'list' ? privqlQuery.list(first) : privqlQuery.customer(customerId);
    const floorRequest = floor(q === 'list' ? floorPath.list(first) : floorPath.customer(customerId));
    for (const c of callers) add(`privql ${c.role}`, 'privql', 'privql', s.privql, q, graphql(privql, c));
    add('privql, no privacy/log', 'privql-off', 'privql', s.privqlOff, q, graphql(privql, offCaller));
    if (q === 'list') {
      for (const c of callers.filter((x) => viewFor(ROLE_POLICY, x.role as Role, x.purpose as Purpose)?.excludesOptedOut)) {
        add(sameRowsLabel(c.role), 'privql-off', 'privql', s.privqlOff, q, graphql(privql, c));
      }
    }
    for (const c of callers.filter((x) => MINIMAL_LOG_ROLES.includes(x.role))) {
      add(`privql ${c.role}, minimal log`, 'privql-minimal-log', 'privql', s.privqlMinimalLog, q, graphql(privql, c));
    }
    if (s.postgraphile) add(s.postgraphile.name, 'postgraphile', 'postgraphile', s.postgraphile, q, graphql(q === 'list' ? postgraphileQuery.list(first) : postgraphileQuery.customer(customerId)));
    add(s.floorStringify.name, 'floor', 'floor', s.floorStringify, q, floorRequest);
    add(s.floorJsonAgg.name, 'floor', 'floor', s.floorJsonAgg, q, floorRequest);
  }
  const analyst = callers.find((c) => c.role === 'ANALYST');
  if (analyst) add('privql ANALYST', 'privql', 'privql', s.privql, 'stats', graphql(privqlQuery.stats(), analyst));
  add(s.floorStringify.name, 'floor', 'floor', s.floorStringify, 'stats', floor(floorPath.stats()));
  add(s.floorJsonAgg.name, 'floor', 'floor', s.floorJsonAgg, 'stats', floor(floorPath.stats()));
  return targets;
}

/** The same target asked for a bigger page (the memory run). */
export function withFirst(t: Target, first: number, callers: Caller[], offCaller: Caller): Target {
  const caller = callers.find((c) => t.label === `privql ${c.role}`) ?? offCaller;
  const request =
    t.family === 'floor' ? floor(floorPath.list(first)) : graphql(t.family === 'postgraphile' ? postgraphileQuery.list(first) : privqlQuery.list(first), t.family === 'privql' ? caller : undefined);
  return { ...t, query: 'list500', request };
}

/** Sends the request once; the reason it is no good, or null when it answered 200 with `expected` rows and no errors. */
export async function problemWith(t: Target, expected: number): Promise<string | null> {
  const res = await fetch(t.server.origin + t.request.path, { method: 'POST', headers: t.request.headers, body: t.request.body });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`;
  }
  if (res.status !== 200 || body.errors) return `HTTP ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`;
  const rows = answerOf(body, t.family, t.query);
  if (!rows || rows.length === 0) return `HTTP 200 but no data: ${text.slice(0, 200)}`;
  if (expected > 0 && rows.length !== expected) return `${rows.length} rows instead of ${expected}`;
  return null;
}
