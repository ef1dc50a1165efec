// The load run's own checks (bench/load): a checker that cannot see a leak
// would let `npm run load` pass whatever the server did. Fed responses by
// hand here, each check must fire on the leak and stay quiet on the rule.

import { parseLoadArgs } from '../bench/load';
import type { Caller, Expectation, LoadRequest } from '../bench/load/callers';
import { checkAccessLog } from '../bench/load/logCheck';
import { Tally } from '../bench/load/tally';
import { startHarness } from './support/harness';

const REAL_ID = '033de515-02c9-46cc-a653-84bb1b6426e5';
const OTHER_ID = '1f4a8a52-7a3e-4f7e-9c1e-3f1f0c2b9d11';
const PSEUDONYM = 'p-3a9f0c';
const real = { ids: new Set([REAL_ID, OTHER_ID]), namesAndEmails: new Set(['Lucas Wilson', 'lucas.wilson@example.com']) };

function req(role: string, expect: Expectation = 'customers', sub = `load-${role}`): LoadRequest {
  const caller = { role, app: 'app', sub, purpose: 'P', token: 't' } as Caller;
  return { name: `${role} test`, caller, expect, headers: {}, body: '{}' };
}
const customers = (...nodes: object[]) => JSON.stringify({ data: { customers: { nodes } }, extensions: { requestId: 'r-1' } });
const violations = (t: Tally) => [...t.violations.keys()];

test('a real customer id, name or email in a pseudonymized view is a violation; a pseudonym is not', () => {
  const t = new Tally(real);
  t.record(req('PARTNER'), 200, customers({ id: PSEUDONYM, name: null, city: 'Lyon' }));
  t.record(req('ANALYST'), 200, customers({ id: PSEUDONYM, segment: 'GOLD' }));
  expect(violations(t)).toEqual([]);
  t.record(req('PARTNER'), 200, customers({ id: REAL_ID, name: null }));
  t.record(req('ANALYST'), 200, customers({ id: PSEUDONYM, email: 'lucas.wilson@example.com' }));
  expect(violations(t)).toEqual(['PARTNER got a real customer id', 'ANALYST got a real name or email']);
});

test('the real id is fine in views that show it', () => {
  const t = new Tally(real);
  t.record(req('AGENT'), 200, customers({ id: REAL_ID, name: 'Lucas Wilson', religion: null }));
  expect(violations(t)).toEqual([]);
});

test('a sensitive value is a violation except for the officer and the customer', () => {
  const t = new Tally(real);
  t.record(req('OFFICER'), 200, customers({ id: REAL_ID, religion: 'Buddhism' }));
  t.record(req('CUSTOMER', 'customers', REAL_ID), 200, JSON.stringify({ data: { me: { id: REAL_ID, religion: 'Buddhism' } } }));
  expect(violations(t)).toEqual([]);
  t.record(req('MARKETER'), 200, customers({ id: REAL_ID, religion: 'Buddhism' }));
  expect(violations(t)).toEqual(['MARKETER got a sensitive value']);
});

test("a customer given someone else's record is a violation", () => {
  const t = new Tally(real);
  t.record(req('CUSTOMER', 'customers', REAL_ID), 200, JSON.stringify({ data: { me: { id: OTHER_ID } } }));
  expect(violations(t)).toEqual(["a customer got another customer's record"]);
});

test('a refused request that returns data is a violation; a refusal is not', () => {
  const t = new Tally(real);
  t.record(req('AGENT', 'refused'), 403, JSON.stringify({ errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }));
  t.record(req('ANALYST', 'refused'), 200, JSON.stringify({ data: { accessLog: null }, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }));
  expect(violations(t)).toEqual([]);
  t.record(req('AGENT', 'refused'), 200, customers({ id: REAL_ID }));
  expect(violations(t)).toEqual(['a refused request returned data']);
});

test('an auditor shown a real customer id is a violation', () => {
  const t = new Tally(real);
  t.record(req('AUDITOR', 'accessLog'), 200, JSON.stringify({ data: { accessLog: { nodes: [{ subjectId: PSEUDONYM }] } } }));
  expect(violations(t)).toEqual([]);
  t.record(req('AUDITOR', 'accessLog'), 200, JSON.stringify({ data: { accessLog: { nodes: [{ subjectId: REAL_ID }] } } }));
  expect(violations(t)).toEqual(['an auditor saw a real customer id']);
});

test('responses are counted by status and code; only 5xx other than AUDIT_UNAVAILABLE are server errors', () => {
  const t = new Tally(real);
  t.record(req('AGENT'), 200, customers({ id: REAL_ID }, { id: REAL_ID }, { id: OTHER_ID }));
  t.record(req('AGENT'), 503, JSON.stringify({ errors: [{ message: 'x', extensions: { code: 'AUDIT_UNAVAILABLE' } }] }));
  t.record(req('AGENT'), 500, JSON.stringify({ errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
  t.record(req('AGENT'), 502, '<html>bad gateway</html>');
  expect(Object.fromEntries(t.responses)).toEqual({ '200 ok': 1, '503 AUDIT_UNAVAILABLE': 1, '500 INTERNAL_SERVER_ERROR': 1, '502 not JSON': 1 });
  expect(t.serverErrors).toBe(2);
  // The access record must name each customer once, however often the response repeats one.
  expect(t.served).toEqual([{ name: 'AGENT test', requestId: 'r-1', customers: 2 }]);
});

test('options: defaults, environment, flags, and refusals of nonsense', () => {
  expect(parseLoadArgs([], {})).toEqual({ clients: 50, seconds: 60, customers: 2000 });
  expect(parseLoadArgs(['--duration', '10'], { LOAD_CLIENTS: '8' })).toEqual({ clients: 8, seconds: 10, customers: 2000 });
  expect(parseLoadArgs(['--clients=3', '--customers', '100'], {})).toEqual({ clients: 3, seconds: 60, customers: 100 });
  expect(parseLoadArgs(['--help'], {})).toBe('help');
  expect(() => parseLoadArgs(['--duration', '0'], {})).toThrow(/--duration needs a whole number/);
  expect(() => parseLoadArgs(['--clients'], {})).toThrow(/got nothing/);
  expect(() => parseLoadArgs(['--rps', '5'], {})).toThrow(/unknown argument: --rps/);
  expect(() => parseLoadArgs([], { LOAD_DURATION: 'soon' })).toThrow(/LOAD_DURATION/);
});

test('the log check finds a response without a record and one whose record counts other customers', async () => {
  const h = await startHarness({ customers: 20 });
  try {
    const res = await h.graphql('{ customers(first: 4) { nodes { id name } } }', { role: 'AGENT' });
    const requestId = res.body.extensions!.requestId as string;
    const served = [
      { name: 'logged', requestId, customers: 4 },
      { name: 'miscounted', requestId, customers: 5 },
      { name: 'unlogged', requestId: '7d5c7a7e-0000-4000-8000-000000000000', customers: 1 },
      { name: 'no id', requestId: undefined, customers: 1 },
    ];
    const check = await checkAccessLog(h.db.knex, served, [{ requestId }, { requestId: undefined }]);
    expect(check.unlogged.map((s) => s.name)).toEqual(['unlogged', 'no id']);
    expect(check.miscounted).toEqual([{ name: 'miscounted', requestId, customers: 5, logged: 4 }]);
    expect({ withId: check.logReadsWithId, recorded: check.logReadsRecorded }).toEqual({ withId: 1, recorded: 1 });
    expect(check.chain.ok).toBe(true);
  } finally {
    await h.close();
  }
});
