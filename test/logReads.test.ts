// Reads of the access log are accesses to personal data too (issue 6, item 9):
// who looked at whose history, and which staff member worked on whom. The
// officer's and the auditor's reads are recorded like any other read, and, like
// any other read, are not answered when their record cannot be written.

import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let customer: string;

beforeAll(async () => {
  h = await startHarness({ customers: 30 });
  customer = (await h.db.knex('customers').orderBy('id').first('id')).id;
  // Someone reads the customer, so the log has something to show about them.
  await h.graphql('query($id: ID!) { customer(id: $id) { name } }', { role: 'AGENT', variables: { id: customer } });
});
afterAll(() => h?.close());

const recordOf = async (requestId: string) => h.db.knex('access_log').where('request_id', requestId).first();
const asArray = (v: Json): string[] => (Array.isArray(v) ? v : String(v).replace(/[{}]/g, '').split(',').filter(Boolean));
const asJson = (v: Json) => (typeof v === 'string' ? JSON.parse(v) : v);

test("the officer's lookup of one customer's history is recorded against that customer", async () => {
  const res = await h.graphql('query($id: ID!) { accessLog(subjectId: $id, first: 10) { nodes { app role subjectId } } }', { role: 'OFFICER', variables: { id: customer } });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!.accessLog.nodes.length).toBeGreaterThan(0);
  const record = await recordOf(res.body.extensions!.requestId);
  expect(record).toMatchObject({ role: 'OFFICER', app: 'privacy-office', outcome: 'READ' });
  expect(asArray(record.subject_ids)).toEqual([customer]);
  expect(asJson(record.accesses)).toEqual([{ fields: { 'Query.accessLog': 'CLEAR' }, subjects: [customer] }]);
  expect(asJson(record.detail).accessLogReads).toEqual([{ filter: { oneCustomer: true }, entries: res.body.data!.accessLog.nodes.length }]);

  // ...and so the customer can see that the privacy office looked.
  const mine = await h.graphql('{ me { accessHistory(first: 5) { nodes { app role fields { field action } } } } }', { role: 'CUSTOMER', sub: customer });
  expect(mine.body.data!.me.accessHistory.nodes[0]).toEqual({ app: 'privacy-office', role: 'OFFICER', fields: [{ field: 'Query.accessLog', action: 'CLEAR' }] });
});

test("the auditor's reads are recorded, with every customer whose entries were shown, as pseudonymized", async () => {
  const res = await h.graphql('{ accessLog(first: 20) { nodes { subjectId } } }', { role: 'AUDITOR' });
  expect(res.body.errors).toBeUndefined();
  const shown = res.body.data!.accessLog.nodes.filter((n: Json) => n.subjectId).length;
  expect(shown).toBeGreaterThan(0);
  const [record] = await h.db.knex('access_log').where({ role: 'AUDITOR', outcome: 'READ' }).orderBy('seq', 'desc').limit(1);
  expect(record).toBeDefined();
  expect(asArray(record.subject_ids)).toContain(customer);
  expect(asJson(record.accesses)[0].fields).toEqual({ 'Query.accessLog': 'ANONYMIZED' });
});

test('an empty answer is recorded too: it tells the reader that nobody accessed the customer', async () => {
  const res = await h.graphql('query($id: ID!) { accessLog(subjectId: $id, to: "2000-01-01") { nodes { seq } } }', { role: 'OFFICER', variables: { id: customer } });
  expect(res.body.data!.accessLog.nodes).toEqual([]);
  const record = await recordOf(res.body.extensions!.requestId);
  expect(asArray(record.subject_ids)).toEqual([customer]);
});

test('when the log cannot be written, a read of the log is refused: AUDIT_UNAVAILABLE and no entries', async () => {
  // Readable but not writable: existing rows are left alone, every new one is refused.
  await h.db.knex.raw('ALTER TABLE access_log ADD CONSTRAINT test_refuse_writes CHECK (false) NOT VALID');
  try {
    const res = await h.graphql('{ accessLog(first: 5) { nodes { subjectId principal } } }', { role: 'OFFICER' });
    expect(res.status).toBe(503);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(res.body.data ?? null).toBeNull();
    expect(res.text).not.toContain(customer);
  } finally {
    await h.db.knex.raw('ALTER TABLE access_log DROP CONSTRAINT test_refuse_writes');
  }
});
