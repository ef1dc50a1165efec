// Attacks on the compliance report (issue 9, parts 3-4), server side: what
// one request can make the server compute, and what the auditor's report
// lets out. The CLI's signing and verification are attacked in
// reportSigning.attacks.test.ts, the dashboard page in officerPage.attacks.test.ts.

import { startHarness, type Harness } from './support/harness';
import { CONFIRM, PROPOSE, asCustomer } from './support/selfService';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  // The server's first full chain check runs in the background from its
  // start; done here, its statements are not counted as a request's below.
  await h.server.chain.verifyFully();
});
afterAll(() => h?.close());

const PERIOD = { from: '2000-01-01', to: '2000-12-31' };
const reportReads = async () =>
  (await h.db.knex('access_log').select(h.db.knex.raw('detail::text AS detail')).whereRaw(`detail::text LIKE '%"report":"privacyReport"%'`)).length;

describe('a report is computed from the whole log (its chain re-verified), so one request gets one', () => {
  test('aliases of privacyReport are refused before any is computed, and nothing is recorded as read', async () => {
    const before = await reportReads();
    const aliased = `query ($from: String!, $to: String!) { ${Array.from({ length: 15 }, (_, i) => `r${i}: privacyReport(from: $from, to: $to) { records }`).join(' ')} }`;
    const statements = await h.countStatements(async () => {
      const res = await h.graphql(aliased, { role: 'AUDITOR', variables: PERIOD });
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'ONE_REPORT' }) })]);
    });
    // The refusal itself is written (one statement); no report was computed.
    expect(statements).toBeLessThan(5);
    expect(await reportReads()).toBe(before);
  });

  test('two periods through fragments are refused the same way; one report through a fragment is served', async () => {
    const twice = `{ ...A ...B } fragment A on Query { a: privacyReport(from: "2000-01-01", to: "2000-02-01") { records } } fragment B on Query { b: privacyReport(from: "2000-02-01", to: "2000-03-01") { records } }`;
    const res = await h.graphql(twice, { role: 'OFFICER' });
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'ONE_REPORT' });
    const once = await h.graphql('{ ...A } fragment A on Query { privacyReport(from: "2000-01-01", to: "2000-02-01") { records } }', { role: 'OFFICER' });
    expect(once.body.errors).toBeUndefined();
    expect(once.body.data!.privacyReport.records).toBe(0);
  });
});

describe("the auditor's report holds no customer id or value, whatever went into the log", () => {
  test('after change requests with hostile names, refusals, opt-outs and an officer looking one customer up', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const customers = await h.db.knex('customers').whereNull('erased_at').orderBy('id').limit(3).select('id', 'name', 'email', 'city');
    const [alice, bob, carol] = customers;
    const proposal = (await asCustomer(h, alice.id)(PROPOSE, { input: { name: 'Alice <img src=x onerror=alert(1)>' } })).body;
    if (proposal.data?.proposeProfileChange) await asCustomer(h, alice.id)(CONFIRM, { id: proposal.data.proposeProfileChange.id });
    await asCustomer(h, bob.id)('mutation { setOptOut(kind: DIRECT_MARKETING, optedOut: true) { directMarketing } }');
    await asCustomer(h, bob.id)('{ accessLog(first: 1) { nodes { seq } } }');
    await h.graphql(`{ accessLog(subjectId: "${carol.id}", first: 5) { nodes { seq } } }`, { role: 'OFFICER' });
    await h.graphql(`{ accessLog(subjectId: "${carol.id}", first: 5) { nodes { seq } } }`, { role: 'AUDITOR' });
    await h.graphql(`{ customer(id: "${carol.id}") { name } }`, { role: 'MARKETER' });
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await h.graphql('query ($from: String!, $to: String!) { privacyReport(from: $from, to: $to) { json } }', { role: 'AUDITOR', variables: { from, to } });
    expect(res.body.errors).toBeUndefined();
    const json: string = res.body.data!.privacyReport.json;
    expect(JSON.parse(json).log.records).toBeGreaterThan(5);
    for (const c of customers) for (const value of [c.id, c.name, c.email, c.city]) if (value) expect(json).not.toContain(value);
    expect(json).not.toContain('onerror');
    expect(json).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  });
});
