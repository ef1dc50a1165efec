// Export and erasure (issue 8): the export holds everything about the caller
// and nobody else; erasure is done by the officer only, removes the customer
// from every view but the officer's, keeps orders only anonymized, and
// leaves the access log intact and verifiable.

import { verifyAccessLog } from '../src/audit/chainAudit';
import { DATABASE_VIEWS } from '../src/policy/databaseViews';
import { ident, privacyNames } from '../src/data/privacyViews/names';
import { startHarness, type Harness } from './support/harness';
import { asCustomer, tableCounts } from './support/selfService';

let h: Harness;
let victim: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let other: string;
beforeAll(async () => {
  h = await startHarness({ customers: 40 });
  // One who is in every view: opted out of nothing, consenting to sensitive use, with orders.
  const { rows } = await h.db.knex.raw(`SELECT c.* FROM customers c WHERE NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.customer_id = c.id AND o.opted_out AND o.kind <> 'SENSITIVE_DATA_USE')
      AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY c.id LIMIT 2`);
  [victim] = rows;
  other = rows[1].id;
  // Activity to find in the export and the log.
  await h.graphql(`{ customer(id: "${victim.id}") { email } }`, { role: 'AGENT' });
});
afterAll(() => h?.close());

const REQUEST = 'mutation { requestErasure { id status requestedAt processedAt } }';
const PROCESS = 'mutation($id: ID!) { processErasure(id: $id) { id status processedAt customerId } }';

test("exportMyData: the caller's profile, orders, opt-out history and access history as JSON; nobody else's data; recorded", async () => {
  const res = await asCustomer(h, victim.id)('{ exportMyData }');
  expect(res.body.errors).toBeUndefined();
  const data = JSON.parse(res.body.data!.exportMyData);
  expect(data).toMatchObject({ format: 'privql-export-v1', customer: { id: victim.id, email: victim.email, accountNumber: victim.account_number } });
  const orders = await h.db.knex('orders').where({ customer_id: victim.id });
  expect(data.orders.map((o: { id: string }) => o.id).sort()).toEqual(orders.map((o) => o.id).sort());
  expect(data.optOutHistory.length).toBe(Number((await h.db.knex('opt_out_history').where({ customer_id: victim.id }).count({ n: '*' }).first())!.n));
  expect(data.accessHistory).toContainEqual(expect.objectContaining({ role: 'AGENT', outcome: 'READ', principal: null, subjectId: victim.id }));
  expect(res.text).not.toContain(other);
  const record = await h.db.knex('access_log').where({ role: 'CUSTOMER', outcome: 'READ' }).orderBy('seq', 'desc').first();
  expect(record).toMatchObject({ subject_ids: [victim.id], accesses: [{ fields: { 'Query.exportMyData': 'CLEAR' } }] });
  for (const role of ['AGENT', 'OFFICER', 'ANALYST']) expect((await h.graphql('{ exportMyData }', { role })).body.errors![0].extensions!.code).toBe('FORBIDDEN');
});

describe('erasure', () => {
  let requestId: string;

  test('requested by the customer: one open request, returned again when asked twice', async () => {
    const first = (await asCustomer(h, victim.id)(REQUEST)).body.data!.requestErasure;
    expect(first).toMatchObject({ status: 'REQUESTED', processedAt: null });
    const again = (await asCustomer(h, victim.id)(REQUEST)).body.data!.requestErasure;
    expect(again.id).toBe(first.id);
    requestId = first.id;
    const queue = await h.graphql('{ erasureRequests { id customerId status } }', { role: 'OFFICER' });
    expect(queue.body.data!.erasureRequests).toContainEqual({ id: requestId, customerId: victim.id, status: 'REQUESTED' });
  });

  test('processing it is refused to everyone but the officer, and changes nothing', async () => {
    const counts = await tableCounts(h.db.knex);
    for (const role of ['CUSTOMER', 'AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'AUDITOR']) {
      const res = await h.graphql(PROCESS, { role, sub: victim.id, variables: { id: requestId } });
      expect(res.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const unknown = await h.graphql(PROCESS, { role: 'OFFICER', variables: { id: '7b0c2c1e-4f0e-4a8e-9b7c-2f3a4d5e6f70' } });
    expect(unknown.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const after = await tableCounts(h.db.knex);
    delete after.access_log; // the refusals are recorded
    delete counts.access_log;
    expect(after).toEqual(counts);
  });

  test('processed by the officer: values gone, orders only anonymized, every view but the officer\'s without the customer', async () => {
    const orders = await h.db.knex('orders').where({ customer_id: victim.id });
    const erasedOrdersBefore = (await tableCounts(h.db.knex)).erased_orders;
    const sizes: Record<string, number> = {};
    for (const role of ['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST']) sizes[role] = (await h.graphql('{ customers(first: 500) { nodes { id } } }', { role })).body.data!.customers.nodes.length;
    const res = await h.graphql(PROCESS, { role: 'OFFICER', variables: { id: requestId } });
    expect(res.body.data!.processErasure).toMatchObject({ status: 'COMPLETED', customerId: victim.id, processedAt: expect.any(String) });

    const row = await h.db.knex('customers').where({ id: victim.id }).first();
    for (const column of ['account_number', 'name', 'email', 'phone', 'street', 'city', 'postal_code', 'birth_date', 'estimated_income', 'shopping_habits', 'segment', 'ethnicity', 'religion']) {
      expect([column, row[column]]).toEqual([column, null]);
    }
    expect(row.erased_at).not.toBeNull();
    // Of when they became a customer only the year is left (UTC midnight, 1 January).
    expect(row.created_at.toISOString()).toBe(`${victim.created_at.getUTCFullYear()}-01-01T00:00:00.000Z`);
    // Their row of the anonymous release went with the erasure, before any analyst asked.
    expect(await h.db.knex('anonymous_release').where({ customer_id: victim.id }).first()).toBeUndefined();
    expect(await h.db.knex('orders').where({ customer_id: victim.id })).toEqual([]);
    expect((await tableCounts(h.db.knex)).erased_orders).toBe(erasedOrdersBefore + orders.length);
    const orderIds = new Set(orders.map((o) => o.id));
    for (const kept of await h.db.knex('erased_orders')) expect(orderIds.has(kept.id)).toBe(false);

    // No value of the customer anywhere in the customer tables any more.
    const { rows } = await h.db.knex.raw(`SELECT t::text AS t FROM customers t UNION ALL SELECT t::text FROM change_requests t UNION ALL SELECT t::text FROM profile_change_history t`);
    const dump = rows.map((r: { t: string }) => r.t).join('\n');
    for (const value of [victim.email, victim.name, victim.phone, victim.street, victim.account_number]) expect(dump).not.toContain(value);

    // Ids are pseudonyms for PARTNER and ANALYST: their lists are checked by size against the database.
    const EXCLUDES: Record<string, string | null> = { AGENT: null, MARKETER: 'DIRECT_MARKETING', DECISION_ENGINE: 'AUTOMATED_DECISION', PARTNER: 'THIRD_PARTY_DISCLOSURE', ANALYST: null };
    for (const [role, kind] of Object.entries(EXCLUDES)) {
      const list = await h.graphql('{ customers(first: 500) { nodes { id } } }', { role });
      expect([role, list.text.includes(victim.id)]).toEqual([role, false]);
      if (role === 'ANALYST') {
        // Analysts page through the k-anonymous release, cut again without
        // the erased customer: its suppressions may change, so it is checked
        // against the release, not by "one fewer".
        expect(await h.db.knex('anonymous_release').where({ customer_id: victim.id }).first()).toBeUndefined();
        const released = await h.db.knex('anonymous_release').count({ n: '*' }).first();
        expect([role, list.body.data!.customers.nodes.length]).toEqual([role, Number(released!.n)]);
        continue;
      }
      const expected = h.db.knex('customers as c').whereNull('c.erased_at').count({ n: '*' });
      if (kind) expected.whereNotExists(h.db.knex('opt_outs as o').whereRaw('o.customer_id = c.id').where({ kind, opted_out: true }));
      expect([role, list.body.data!.customers.nodes.length]).toEqual([role, Number((await expected.first())!.n)]);
      // The victim was in every view (opted out of nothing): each list lost exactly them.
      expect([role, list.body.data!.customers.nodes.length]).toEqual([role, sizes[role] - 1]);
    }
    expect((await h.graphql(`{ customer(id: "${victim.id}") { id } }`, { role: 'AGENT' })).body.data!.customer).toBeNull();
    // The officer's list still has them.
    const officerList = await h.graphql('{ customers(first: 500) { nodes { id } } }', { role: 'OFFICER' });
    expect(officerList.body.data!.customers.nodes.map((n: { id: string }) => n.id)).toContain(victim.id);

    // The customer: me is null, every self-service mutation refused.
    expect((await asCustomer(h, victim.id)('{ me { id email } }')).body.data!.me).toBeNull();
    expect((await asCustomer(h, victim.id)('{ exportMyData }')).body.data!.exportMyData).toBeNull();
    const change = await asCustomer(h, victim.id)('mutation { setOptOut(kind: DIRECT_MARKETING, optedOut: true) { directMarketing } }');
    expect(change.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_CUSTOMER_RECORD' });

    // The privacy views in the database follow: only the officer's still has the row.
    for (const view of DATABASE_VIEWS.filter((v) => !v.fromRelease)) {
      const names = privacyNames(h.db.schema);
      const { rows: found } = await h.db.knex.raw(`SELECT count(*)::int AS n FROM ${ident(names.schema)}.${ident(names.viewOf(view))} WHERE id = ?`, [victim.id]);
      expect([view.name, found[0].n]).toEqual([view.name, view.role === 'OFFICER' ? 1 : 0]);
    }
    // The officer still sees them, marked erased.
    const officer = await h.graphql(`{ customer(id: "${victim.id}") { id erasedAt email orders { id } } }`, { role: 'OFFICER' });
    expect(officer.body.data!.customer).toEqual({ id: victim.id, erasedAt: expect.stringMatching(/^\d{4}-/), email: null, orders: [] });
  });

  test('the access log is intact: records about the customer are still there, the erasure is one of them, the chain verifies', async () => {
    const about = await h.db.knex('access_log').whereRaw('subject_ids @> ARRAY[?]::uuid[]', [victim.id]).orderBy('seq');
    expect(about.some((r) => r.role === 'AGENT')).toBe(true);
    const erasure = about.find((r) => r.detail.operation === 'processErasure');
    expect(erasure).toMatchObject({ outcome: 'CHANGE', role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION' });
    expect(erasure.accesses[0].fields['Customer.email']).toBe('ERASED');
    expect(erasure.detail).toEqual({ operation: 'processErasure', erasureRequest: requestId }); // nothing about the person, not even how much they bought
    expect(JSON.stringify(about)).not.toContain(victim.email);
    expect(await verifyAccessLog(h.db.knex)).toMatchObject({ ok: true, firstBreak: null });
  });

  test('processing the same request twice is refused', async () => {
    const res = await h.graphql(PROCESS, { role: 'OFFICER', variables: { id: requestId } });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});
