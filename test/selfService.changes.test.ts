// Self-service profile changes (issue 8): the diff and its checks, nothing
// written before confirmation, identity fields through the officer, and the
// refusals: another customer's request, invalid values, fields a customer
// may not change, mutations over GET.

import { startHarness, type Harness } from './support/harness';
import { CHANGE_REQUEST, CONFIRM, PROPOSE, asCustomer, customerDigest, tableCounts } from './support/selfService';

let h: Harness;
let alice: string;
let bob: string;
const operatorLog: string[] = [];
beforeAll(async () => {
  h = await startHarness({ customers: 30, log: (line) => operatorLog.push(line) });
  [alice, bob] = (await h.db.knex('customers').orderBy('id').limit(2).select('id')).map((r) => r.id);
});
afterAll(() => h?.close());

const held = (id: string) => h.db.knex('customers').where({ id }).first();

test('propose shows the diff against the record and writes nothing to it; confirm applies it with history and log records', async () => {
  const before = await held(alice);
  const propose = await asCustomer(h, alice)(PROPOSE, { input: { email: 'alice.new@example.org', city: before.city } });
  expect(propose.body.errors).toBeUndefined();
  const request = propose.body.data!.proposeProfileChange;
  expect(request).toMatchObject({ status: 'PENDING_CONFIRMATION', needsReview: false, changes: [{ field: 'email', from: before.email, to: 'alice.new@example.org' }] });
  expect(request.problems).toEqual([{ field: 'city', message: expect.stringContaining('same as the value held') }]);
  expect(request.id).toMatch(/^[0-9a-f-]{36}$/);
  expect((await held(alice)).email).toBe(before.email);

  const confirm = await asCustomer(h, alice)(CONFIRM, { id: request.id });
  expect(confirm.body.errors).toBeUndefined();
  expect(confirm.body.data!.confirmProfileChange.status).toBe('APPLIED');
  expect((await held(alice)).email).toBe('alice.new@example.org');
  const history = await h.db.knex('profile_change_history').where({ change_request_id: request.id });
  expect(history).toEqual([expect.objectContaining({ customer_id: alice, field: 'email', before: before.email, after: 'alice.new@example.org', changed_by: alice })]);

  // Both steps are in the log as CHANGE records naming the field, never the value.
  const records = await h.db.knex('access_log').where({ outcome: 'CHANGE' }).whereRaw('subject_ids @> ARRAY[?]::uuid[]', [alice]).orderBy('seq');
  expect(records.map((r) => Object.values(r.accesses[0].fields))).toEqual([['PROPOSED'], ['UPDATED']]);
  expect(records.map((r) => r.role)).toEqual(['CUSTOMER', 'CUSTOMER']);
  expect(JSON.stringify(records)).not.toContain('alice.new@example.org');
  // ...and the customer sees them in their access history.
  const me = await asCustomer(h, alice)('{ me { email accessHistory(first: 5) { nodes { outcome fields { field action } } } } }');
  expect(me.body.data!.me.email).toBe('alice.new@example.org');
  expect(me.body.data!.me.accessHistory.nodes).toContainEqual({ outcome: 'CHANGE', fields: [{ field: 'Customer.email', action: 'UPDATED' }] });
});

test('contact preferences: set through a change, read back on me', async () => {
  const propose = await asCustomer(h, alice)(PROPOSE, { input: { contactPreferences: { channels: ['SMS', 'EMAIL'], preferred: 'SMS' } } });
  expect(propose.body.data!.proposeProfileChange.changes).toEqual([
    { field: 'contactPreferences.channels', from: '', to: 'EMAIL,SMS' },
    { field: 'contactPreferences.preferred', from: null, to: 'SMS' },
  ]);
  await asCustomer(h, alice)(CONFIRM, { id: propose.body.data!.proposeProfileChange.id });
  const me = await asCustomer(h, alice)('{ me { contactPreferences { channels preferred } } }');
  expect(me.body.data!.me.contactPreferences).toEqual({ channels: ['EMAIL', 'SMS'], preferred: 'SMS' });
});

describe('refused input: BAD_USER_INPUT naming the field, nothing written in any table', () => {
  test.each([
    ['an invalid email', { email: 'not-an-email' }, 'email'],
    ['an email with a line break', { email: 'a@example.com\nBcc: x@example.com' }, 'email'],
    ['a phone with letters', { phone: '+1 CALL NOW' }, 'phone'],
    ['a postal code too long', { postalCode: '12345678901' }, 'postalCode'],
    ['a date that is not in the calendar', { birthDate: '2001-02-30' }, 'birthDate'],
    ['a birth date in the future', { birthDate: '2999-01-01' }, 'birthDate'],
    ['an age under 16', { birthDate: new Date(Date.now() - 10 * 365 * 864e5).toISOString().slice(0, 10) }, 'birthDate'],
    ['an age over 120', { birthDate: '1890-01-01' }, 'birthDate'],
    ['a negative income', { estimatedIncome: -1 }, 'estimatedIncome'],
    ['an implausible income', { estimatedIncome: 2_000_000_000 }, 'estimatedIncome'],
    ['an empty city', { city: '   ' }, 'city'],
    ['an overlong city', { city: 'A'.repeat(86) }, 'city'],
    ['a name with a text-direction override', { name: 'Eve \u202Enoil' }, 'name'],
    ['a street with a NUL', { street: '1 Main\u0000 Street' }, 'street'],
    ['deleting a required value', { email: null }, 'email'],
    ['segment (not the customer\'s to change)', { segment: 'premium' }, 'segment'],
    ['shopping habits (derived)', { shoppingHabits: ['x'] }, 'shoppingHabits'],
    ['a preferred channel not allowed', { contactPreferences: { channels: ['EMAIL'], preferred: 'SMS' } }, 'contactPreferences.preferred'],
    ['a channel twice', { contactPreferences: { channels: ['EMAIL', 'EMAIL'] } }, 'contactPreferences.channels'],
  ])('%s', async (_name, input, field) => {
    const [counts, digest] = [await tableCounts(h.db.knex), await customerDigest(h.db.knex)];
    const res = await asCustomer(h, bob)(PROPOSE, { input });
    expect(res.body.data?.proposeProfileChange ?? null).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.body.errors![0].extensions!.problems).toContainEqual({ field, message: expect.any(String) });
    // The message names the field and the rule, never the value given.
    if (typeof (input as Record<string, unknown>)[field] === 'string') expect(res.text).not.toContain(JSON.stringify((input as Record<string, string>)[field]).slice(1, -1));
    expect(await tableCounts(h.db.knex)).toEqual(counts);
    expect(await customerDigest(h.db.knex)).toBe(digest);
  });

  test('every refused field is listed, the first one named', async () => {
    const res = await asCustomer(h, bob)(PROPOSE, { input: { email: 'x', phone: 'y', segment: 'z' } });
    expect(res.body.errors![0].extensions!.field).toBe('email');
    expect(res.body.errors![0].extensions!.problems.map((p: { field: string }) => p.field)).toEqual(['email', 'phone', 'segment']);
  });
});

describe("another customer's change request", () => {
  test('confirming it is answered exactly like an id that does not exist, and changes nothing', async () => {
    const proposal = await asCustomer(h, alice)(PROPOSE, { input: { phone: '+1 212 555 0111' } });
    const id = proposal.body.data!.proposeProfileChange.id;
    const digest = await customerDigest(h.db.knex);
    const someoneElses = await asCustomer(h, bob)(CONFIRM, { id });
    const nonexistent = await asCustomer(h, bob)(CONFIRM, { id: '7b0c2c1e-4f0e-4a8e-9b7c-2f3a4d5e6f70' });
    const malformed = await asCustomer(h, bob)(CONFIRM, { id: 'x' });
    const strip = (r: typeof someoneElses) => ({ status: r.status, errors: r.body.errors, data: r.body.data });
    expect(strip(someoneElses)).toEqual(strip(nonexistent));
    expect(strip(malformed)).toEqual(strip(nonexistent));
    expect(someoneElses.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await customerDigest(h.db.knex)).toBe(digest);
    // Still the owner's to confirm.
    expect((await asCustomer(h, alice)(CONFIRM, { id })).body.data!.confirmProfileChange.status).toBe('APPLIED');
  });

  test("me and pendingChangeRequests show the caller's own record only", async () => {
    await asCustomer(h, alice)(PROPOSE, { input: { street: '9 Elm Street' } });
    const mine = await asCustomer(h, bob)(`{ me { id pendingChangeRequests { ${CHANGE_REQUEST} customerId } } }`);
    expect(mine.body.data!.me.id).toBe(bob);
    for (const r of mine.body.data!.me.pendingChangeRequests) expect(r.customerId).toBe(bob);
    expect(mine.text).not.toContain('9 Elm Street');
  });
});

describe('identity fields wait for the officer', () => {
  const REVIEW = `mutation($id: ID!, $approve: Boolean!, $note: String) { reviewChangeRequest(id: $id, approve: $approve, note: $note) { ${CHANGE_REQUEST} reviewNote } }`;

  test('a name change goes to PENDING_REVIEW on confirmation, in the queue, applied only when the officer approves', async () => {
    const before = await held(bob);
    const proposal = (await asCustomer(h, bob)(PROPOSE, { input: { name: 'Robert Tables', email: 'robert@example.net' } })).body.data!.proposeProfileChange;
    expect(proposal.needsReview).toBe(true);
    expect(proposal.problems).toContainEqual({ field: 'name', message: expect.stringContaining('privacy officer') });
    const confirmed = (await asCustomer(h, bob)(CONFIRM, { id: proposal.id })).body.data!.confirmProfileChange;
    expect(confirmed.status).toBe('PENDING_REVIEW');
    expect(await held(bob)).toMatchObject({ name: before.name, email: before.email });

    const queue = await h.graphql(`{ changeRequests(status: PENDING_REVIEW) { id customerId changes { field from to } } }`, { role: 'OFFICER' });
    expect(queue.body.data!.changeRequests).toContainEqual({ id: proposal.id, customerId: bob, changes: proposal.changes });
    // Reading the queue is a read of those customers' data: recorded.
    const read = await h.db.knex('access_log').where({ role: 'OFFICER', outcome: 'READ' }).orderBy('seq', 'desc').first();
    expect(read.subject_ids).toContain(bob);

    for (const role of ['CUSTOMER', 'AGENT', 'AUDITOR']) {
      const refused = await h.graphql(REVIEW, { role, sub: bob, variables: { id: proposal.id, approve: true } });
      expect(refused.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const approved = await h.graphql(REVIEW, { role: 'OFFICER', variables: { id: proposal.id, approve: true, note: 'checked ID' } });
    expect(approved.body.data!.reviewChangeRequest).toMatchObject({ status: 'APPLIED', reviewNote: 'checked ID' });
    expect(await held(bob)).toMatchObject({ name: 'Robert Tables', email: 'robert@example.net' });
  });

  test('rejected: nothing applied; an account number in use is told to the officer only', async () => {
    const other = await h.db.knex('customers').whereNotIn('id', [alice, bob]).first();
    const proposal = (await asCustomer(h, bob)(PROPOSE, { input: { accountNumber: other.account_number } })).body.data!.proposeProfileChange;
    expect(proposal.status).toBe('PENDING_CONFIRMATION');
    expect((await asCustomer(h, bob)(CONFIRM, { id: proposal.id })).body.data!.confirmProfileChange.status).toBe('PENDING_REVIEW');
    const clash = await h.graphql(REVIEW, { role: 'OFFICER', variables: { id: proposal.id, approve: true } });
    expect(clash.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountNumber' });
    const rejected = await h.graphql(REVIEW, { role: 'OFFICER', variables: { id: proposal.id, approve: false, note: 'number belongs to another account' } });
    expect(rejected.body.data!.reviewChangeRequest.status).toBe('REJECTED');
    expect((await held(bob)).account_number).not.toBe(other.account_number);
  });
});

test('a proposal the record no longer matches is STALE on confirmation, not applied', async () => {
  const proposal = (await asCustomer(h, alice)(PROPOSE, { input: { city: 'Springfield' } })).body.data!.proposeProfileChange;
  await h.db.knex('customers').where({ id: alice }).update({ city: 'Shelbyville' });
  const confirmed = await asCustomer(h, alice)(CONFIRM, { id: proposal.id });
  expect(confirmed.body.data!.confirmProfileChange.status).toBe('STALE');
  expect((await held(alice)).city).toBe('Shelbyville');
});

test('a mutation over GET is refused and writes nothing', async () => {
  const token = await h.token('CUSTOMER', { sub: alice });
  const counts = await tableCounts(h.db.knex);
  const query = `mutation { proposeProfileChange(input: { email: "get@example.com" }) { id } }`;
  const res = await fetch(`${h.server.url}?query=${encodeURIComponent(query)}`, {
    headers: { authorization: `Bearer ${token}`, 'x-purpose': 'SELF_SERVICE', 'apollo-require-preflight': 'true' },
  });
  expect(res.status).toBe(405);
  expect(await tableCounts(h.db.knex)).toEqual(counts);
});

test('staff roles and customers without SELF_SERVICE cannot use the customer mutations', async () => {
  for (const role of ['AGENT', 'MARKETER', 'OFFICER', 'ANALYST', 'PARTNER', 'AUDITOR', 'DECISION_ENGINE']) {
    const res = await h.graphql(PROPOSE, { role, sub: alice, variables: { input: { email: 'staff@example.com' } } });
    expect(res.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  }
  const noPurpose = await h.graphql(PROPOSE, { role: 'CUSTOMER', sub: alice, purpose: null, variables: { input: { email: 'x@example.com' } } });
  expect(noPurpose.body.errors![0].extensions!.code).toBe('FORBIDDEN');
});

test('fail closed: when the access log cannot be written, the change is not made (AUDIT_UNAVAILABLE)', async () => {
  const before = await held(alice);
  const proposal = (await asCustomer(h, alice)(PROPOSE, { input: { phone: '+1 415 555 0199' } })).body.data!.proposeProfileChange;
  const counts = await tableCounts(h.db.knex);
  await h.db.knex.raw('ALTER TABLE access_log RENAME TO access_log_away');
  let res;
  try {
    res = await asCustomer(h, alice)(CONFIRM, { id: proposal.id });
  } finally {
    await h.db.knex.raw('ALTER TABLE access_log_away RENAME TO access_log');
  }
  expect(res.status).toBe(503);
  expect(res.body.errors![0].extensions!.code).toBe('AUDIT_UNAVAILABLE');
  expect(res.text).not.toMatch(/access_log|relation|SQLSTATE|0199/);
  // The operator is told why, by SQLSTATE only (42P01: no such table), never the values.
  expect(operatorLog).toContain('access log write failed (SQLSTATE 42P01): change not made (AUDIT_UNAVAILABLE)');
  expect(operatorLog.join('\n')).not.toMatch(/0199|access_log_away/);
  expect((await held(alice)).phone).toBe(before.phone);
  expect(await tableCounts(h.db.knex)).toEqual(counts);
  expect((await h.db.knex('change_requests').where({ id: proposal.id }).first()).status).toBe('PENDING_CONFIRMATION');
});

test('the queues are the officer\'s alone; bad input on the officer\'s mutations names the field and writes nothing', async () => {
  for (const role of ['CUSTOMER', 'AGENT', 'MARKETER', 'ANALYST', 'AUDITOR']) {
    for (const query of ['{ changeRequests { id } }', '{ erasureRequests { id } }']) {
      expect([role, query, (await h.graphql(query, { role, sub: alice })).body.errors![0].extensions!.code]).toEqual([role, query, 'FORBIDDEN']);
    }
  }
  const proposal = (await asCustomer(h, bob)(PROPOSE, { input: { name: 'Bobby Tables' } })).body.data!.proposeProfileChange;
  await asCustomer(h, bob)(CONFIRM, { id: proposal.id });
  const REVIEW = 'mutation($id: ID!, $note: String) { reviewChangeRequest(id: $id, approve: true, note: $note) { status } }';
  for (const [variables, field] of [
    [{ id: proposal.id, note: 'x'.repeat(501) }, 'note'],
    [{ id: proposal.id, note: 'ok\u0000' }, 'note'],
    [{ id: 'not-an-id' }, 'id'],
  ] as const) {
    const [counts, digest] = [await tableCounts(h.db.knex), await customerDigest(h.db.knex)];
    const res = await h.graphql(REVIEW, { role: 'OFFICER', variables });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await tableCounts(h.db.knex)).toEqual(counts);
    expect(await customerDigest(h.db.knex)).toBe(digest);
  }
  const processBad = await h.graphql('mutation { processErasure(id: "1 OR 1=1") { id } }', { role: 'OFFICER' });
  expect(processBad.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
});
