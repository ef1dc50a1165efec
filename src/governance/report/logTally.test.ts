// The tally's rules on hand-made records: what counts as a request, a value,
// a refusal and an exclusion.

import { addRecord, emptyTally, finishTally, type LogRecord } from './logTally';

const CLASSES: Record<string, string> = { 'Customer.name': 'identity', 'Customer.email': 'personal', 'Customer.religion': 'sensitive' };
const classOf = (c: string) => CLASSES[c];
let seq = 0;
const record = (r: Partial<LogRecord>): LogRecord => ({
  seq: String(++seq), at: new Date('2026-03-01T10:00:00Z'), app: 'crm-console', role: 'AGENT', purpose: 'CUSTOMER_SERVICE', view: 'STANDARD',
  outcome: 'READ', excludedIds: [], accesses: [], detail: {}, ...r,
});
const figures = (records: LogRecord[]) => {
  const t = emptyTally();
  for (const r of records) addRecord(t, r, classOf);
  return finishTally(t);
};

test('values are counted per customer and class; omitted ones are not values; the log itself is no class', () => {
  const f = figures([
    record({ accesses: [{ fields: { 'Customer.name': 'CLEAR', 'Customer.email': 'MASKED', 'Customer.religion': 'OMITTED', 'Query.accessLog': 'CLEAR' }, subjects: ['a', 'b'] }] }),
    record({ at: new Date('2026-03-02T23:59:59Z'), accesses: [{ fields: { 'Customer.name': 'CLEAR' }, subjects: ['a'] }] }),
  ]);
  expect(f.applications).toEqual([
    { app: 'crm-console', roles: ['AGENT'], purposes: ['CUSTOMER_SERVICE'], views: ['STANDARD'], categories: [{ category: 'identity', values: 3 }, { category: 'personal', values: 2 }], requests: 2, customers: 2, customerRecords: 3, excludedRecords: 0, deniedRequests: 0 },
  ]);
  expect(f.byCategory).toEqual([
    { category: 'identity', clear: 3, masked: 0, anonymized: 0, omitted: 0, changed: 0 },
    { category: 'personal', clear: 0, masked: 2, anonymized: 0, omitted: 0, changed: 0 },
    { category: 'sensitive', clear: 0, masked: 0, anonymized: 0, omitted: 2, changed: 0 },
  ]);
  expect(f.byDay.map((d) => [d.day, d.requests])).toEqual([['2026-03-01', 1], ['2026-03-02', 1]]);
});

test('a refusal counts its repeats; checkpoints count as records only; exclusions count distinct customers', () => {
  const f = figures([
    record({ outcome: 'DENIED', detail: { code: 'FORBIDDEN', denied: [{ path: 'accessLog', code: 'FORBIDDEN', reason: 'ACCESS_LOG_NOT_ALLOWED' }] } }),
    record({ outcome: 'DENIED', detail: { code: 'FORBIDDEN', denied: [{ path: 'accessLog', code: 'FORBIDDEN', reason: 'ACCESS_LOG_NOT_ALLOWED' }], repeated: 4 } }),
    record({ outcome: 'DENIED', app: null, role: null, detail: { code: 'UNAUTHENTICATED', source: 'network 10.0.0.0/24' } }),
    record({ outcome: 'CHECKPOINT', app: null, detail: { prunedThroughSeq: '1' } }),
    record({ app: 'campaign-manager', role: 'MARKETER', purpose: 'DIRECT_MARKETING', view: 'OPT_OUT', excludedIds: ['x', 'y'] }),
    record({ app: 'campaign-manager', role: 'MARKETER', purpose: 'DIRECT_MARKETING', view: 'OPT_OUT', excludedIds: ['x'] }),
  ]);
  expect(f.records).toBe(6);
  expect(f.denied).toEqual([
    { code: 'FORBIDDEN', reason: 'ACCESS_LOG_NOT_ALLOWED', requests: 5 },
    { code: 'UNAUTHENTICATED', reason: '(none)', requests: 1 },
  ]);
  expect(f.applications.map((a) => [a.app, a.requests, a.deniedRequests])).toEqual([['campaign-manager', 2, 0], ['crm-console', 0, 5]]);
  expect(f.exclusions).toEqual([{ purpose: 'DIRECT_MARKETING', view: 'OPT_OUT', requests: 2, records: 3, customers: 2 }]);
  expect(f.byPurpose.map((u) => u.key)).toEqual(['DIRECT_MARKETING']);
});

test('reads of the log add up the entries they returned', () => {
  const read = (entries: number) => record({ app: 'privacy-office', role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION', detail: { accessLogReads: [{ filter: {}, entries }] } });
  expect(figures([read(3), read(50)]).logReads).toEqual([{ app: 'privacy-office', role: 'OFFICER', requests: 2, entriesReturned: 53 }]);
});
