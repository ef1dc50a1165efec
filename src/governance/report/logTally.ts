// Folds access-log records into the report's log figures (pure: no I/O).
// The gatherer streams records through `addRecord` in sequence order, and
// report:verify runs the very same fold again, so both sides agree on what
// every figure means. Customer ids are held only in sets to count distinct
// customers; `finishTally` hands back counts.

import type { ApplicationUsage, CategoryUsage, DayUsage, DeniedCount, ExclusionCount, LogFigures, LogReadCount, UsageCount } from './types';

/** One access-log record as the report reads it. */
export interface LogRecord {
  seq: string;
  at: Date;
  app: string | null;
  role: string | null;
  purpose: string | null;
  view: string | null;
  outcome: string;
  excludedIds: string[];
  accesses: Array<{ fields: Record<string, string>; subjects: string[] }>;
  detail: Record<string, unknown>;
}

/** Field coordinate → class (identity, personal, sensitive), from the catalog. */
export type ClassOf = (coordinate: string) => string | undefined;

/** Outcomes that stand for a request served (reads, changes, aggregates, exports). */
const SERVED = new Set(['READ', 'CHANGE', 'AGGREGATE', 'EXPORT']);
const RETURNED = new Set(['CLEAR', 'MASKED', 'ANONYMIZED']);
const NONE = '(none)';

interface AppTally {
  roles: Set<string>;
  purposes: Set<string>;
  views: Set<string>;
  categories: Map<string, number>;
  customers: Set<string>;
  requests: number;
  customerRecords: number;
  excludedRecords: number;
  deniedRequests: number;
}

export interface LogTally {
  records: number;
  apps: Map<string, AppTally>;
  byPurpose: Map<string, UsageCount>;
  byRole: Map<string, UsageCount>;
  byCategory: Map<string, CategoryUsage>;
  byDay: Map<string, DayUsage>;
  denied: Map<string, DeniedCount>;
  exclusions: Map<string, ExclusionCount & { ids: Set<string> }>;
  logReads: Map<string, LogReadCount>;
}

export function emptyTally(): LogTally {
  return { records: 0, apps: new Map(), byPurpose: new Map(), byRole: new Map(), byCategory: new Map(), byDay: new Map(), denied: new Map(), exclusions: new Map(), logReads: new Map() };
}

export function addRecord(t: LogTally, r: LogRecord, classOf: ClassOf): void {
  t.records++;
  if (r.outcome === 'DENIED') return addDenied(t, r);
  if (!SERVED.has(r.outcome)) return; // retention checkpoints
  const app = appTally(t, r.app ?? NONE);
  for (const [set, value] of [[app.roles, r.role], [app.purposes, r.purpose], [app.views, r.view]] as const) if (value) set.add(value);
  let customerRecords = 0;
  let values = 0;
  for (const group of r.accesses) {
    customerRecords += group.subjects.length;
    for (const id of group.subjects) app.customers.add(id);
    for (const [coordinate, action] of Object.entries(group.fields)) {
      const category = classOf(coordinate);
      if (!category) continue; // the log itself (Query.accessLog), counted under log reads
      const use = categoryUsage(t, category);
      const n = group.subjects.length;
      if (RETURNED.has(action)) {
        values += n;
        app.categories.set(category, (app.categories.get(category) ?? 0) + n);
        if (action === 'CLEAR') use.clear += n;
        else if (action === 'MASKED') use.masked += n;
        else use.anonymized += n;
      } else if (action === 'OMITTED') use.omitted += n;
      else use.changed += n;
    }
  }
  app.requests++;
  app.customerRecords += customerRecords;
  app.excludedRecords += r.excludedIds.length;
  const purpose = r.purpose ?? NONE;
  for (const [map, key] of [[t.byPurpose, purpose], [t.byRole, r.role ?? NONE]] as const) {
    const u = getOr(map, key, () => ({ key, requests: 0, customerRecords: 0, values: 0 }));
    u.requests++;
    u.customerRecords += customerRecords;
    u.values += values;
  }
  const day = r.at.toISOString().slice(0, 10);
  const d = getOr(t.byDay, `${day} ${purpose}`, () => ({ day, purpose, requests: 0, customerRecords: 0 }));
  d.requests++;
  d.customerRecords += customerRecords;
  if (r.excludedIds.length > 0) addExclusions(t, r, purpose);
  addLogReads(t, r);
}

function addDenied(t: LogTally, r: LogRecord): void {
  // Repeated refusals are written once per window with their count (denialAggregator).
  const requests = typeof r.detail.repeated === 'number' ? r.detail.repeated : 1;
  const first = Array.isArray(r.detail.denied) ? (r.detail.denied[0] as Record<string, unknown> | undefined) : undefined;
  const code = String(r.detail.code ?? first?.code ?? 'UNKNOWN');
  const reason = String(first?.reason ?? r.detail.reason ?? NONE);
  getOr(t.denied, `${code} ${reason}`, () => ({ code, reason, requests: 0 })).requests += requests;
  if (r.app) appTally(t, r.app).deniedRequests += requests;
}

function addExclusions(t: LogTally, r: LogRecord, purpose: string): void {
  const view = r.view ?? NONE;
  const e = getOr(t.exclusions, `${purpose} ${view}`, () => ({ purpose, view, requests: 0, records: 0, customers: 0, ids: new Set<string>() }));
  e.requests++;
  e.records += r.excludedIds.length;
  for (const id of r.excludedIds) e.ids.add(id);
}

function addLogReads(t: LogTally, r: LogRecord): void {
  const reads = r.detail.accessLogReads;
  if (!Array.isArray(reads) || reads.length === 0) return;
  const app = r.app ?? NONE;
  const role = r.role ?? NONE;
  const c = getOr(t.logReads, `${app} ${role}`, () => ({ app, role, requests: 0, entriesReturned: 0 }));
  c.requests++;
  for (const read of reads as Array<{ entries?: unknown }>) c.entriesReturned += typeof read.entries === 'number' ? read.entries : 0;
}

function appTally(t: LogTally, app: string): AppTally {
  return getOr(t.apps, app, () => ({
    roles: new Set(), purposes: new Set(), views: new Set(), categories: new Map(), customers: new Set(),
    requests: 0, customerRecords: 0, excludedRecords: 0, deniedRequests: 0,
  }));
}

function categoryUsage(t: LogTally, category: string): CategoryUsage {
  return getOr(t.byCategory, category, () => ({ category, clear: 0, masked: 0, anonymized: 0, omitted: 0, changed: 0 }));
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** The figures in a fixed order (so two computations of the same log serialize the same): keys ascending, applications busiest first. */
export function finishTally(t: LogTally): LogFigures {
  const sorted = <T>(map: Map<string, T>): T[] => [...map.entries()].sort(([a], [b]) => compare(a, b)).map(([, v]) => v);
  const applications: ApplicationUsage[] = [...t.apps.entries()]
    .map(([app, a]) => ({
      app,
      roles: [...a.roles].sort(compare),
      purposes: [...a.purposes].sort(compare),
      views: [...a.views].sort(compare),
      categories: [...a.categories.entries()].sort(([x], [y]) => compare(x, y)).map(([category, values]) => ({ category, values })),
      requests: a.requests,
      customers: a.customers.size,
      customerRecords: a.customerRecords,
      excludedRecords: a.excludedRecords,
      deniedRequests: a.deniedRequests,
    }))
    .sort((x, y) => y.requests - x.requests || compare(x.app, y.app));
  return {
    records: t.records,
    applications,
    byPurpose: sorted(t.byPurpose),
    byRole: sorted(t.byRole),
    byCategory: sorted(t.byCategory),
    byDay: sorted(t.byDay) as DayUsage[],
    denied: sorted(t.denied) as DeniedCount[],
    exclusions: sorted(t.exclusions).map(({ ids, ...e }): ExclusionCount => ({ ...e, customers: ids.size })),
    logReads: sorted(t.logReads),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
