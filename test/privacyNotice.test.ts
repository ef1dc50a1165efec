// The privacy notice over HTTP against a real database: public without a
// token (and nothing else is), published by the officer as version N+1 with
// one notification per active customer in the same transaction as its log
// record, unchanged when nothing changed, acknowledged by customers.

import { tableCounts } from './support/selfService';
import { startHarness, type Harness } from './support/harness';

const NOTICE = `query ($version: Int) { privacyNotice(version: $version) {
  version status effectiveAt contentHash changes upToDate json
  clauses { key title paragraphs sections { heading paragraphs items { label text code link } } } } }`;
const PUBLISH = 'mutation { publishPrivacyNotice { status version changes notificationsQueued } }';
const ACK = 'mutation ($v: Int!) { acknowledgePrivacyNotice(version: $v) { version acknowledgedAt } }';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 30, env: { PRIVQL_OFFICER_CONTACT: 'dpo@shop.example' } });
});
afterAll(async () => {
  await h?.close();
});

const activeCustomers = async () => Number((await h.db.knex('customers').whereNull('erased_at').count({ n: '*' }).first())!.n);
const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));

describe('without a token', () => {
  test('privacyNotice answers with no Authorization and no X-Purpose: the draft (version 0) before anything is published', async () => {
    const res = await post({ query: NOTICE });
    expect(res.status).toBe(200);
    const notice = res.body.data!.privacyNotice;
    expect(notice).toMatchObject({ version: 0, status: 'DRAFT', effectiveAt: null, upToDate: true });
    expect(notice.clauses.map((c: { key: string }) => c.key)).toEqual(['COLLECTION', 'USE', 'CONTROL', 'ACCESS', 'SECURITY', 'ENFORCEMENT']);
    expect(JSON.parse(notice.json).facts.officerContact).toBe('dpo@shop.example');
    // The catalog the server guards with is the one the notice lists.
    expect(JSON.parse(notice.json).facts.fields.map((f: { coordinate: string }) => f.coordinate).sort()).toEqual([...h.server.schema.catalog.fields.keys()].sort());
  });

  test('nothing else becomes public: any other field, alone, beside the notice or through a fragment, is refused 401 as before', async () => {
    const refused = [
      '{ customers { nodes { id } } }',
      '{ privacyNotice { version } optOutTerms { kind } }',
      '{ privacyNotice { version } ...F } fragment F on Query { customers { nodes { id } } }',
      '{ ... on Query { me { id } } privacyNotice { version } }',
      'mutation { publishPrivacyNotice { status } }',
      '{ __schema { types { name } } }',
      '{ __typename }',
      'query A { privacyNotice { version } } query B { accessLog { nodes { seq } } }',
    ];
    for (const query of refused) {
      const res = await post({ query, operationName: query.startsWith('query A') ? 'A' : undefined });
      expect({ query, status: res.status, code: res.body.errors?.[0]?.extensions?.code }).toEqual({ query, status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(Number((await h.db.knex('privacy_notices').count({ n: '*' }).first())!.n)).toBe(0);
  });

  test('a public request cannot reach further than the notice types, and a bad version is a clear error', async () => {
    const unknown = await post({ query: '{ privacyNotice { version customers } }' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const bad = await post({ query: NOTICE, variables: { version: -1 } });
    expect(bad.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'version' });
    const never = await post({ query: NOTICE, variables: { version: 7 } });
    expect(never.body.data!.privacyNotice).toBeNull();
  });

  test('with a token of any role the same field answers too, on the main route', async () => {
    const res = await h.graphql('{ privacyNotice { version status } }', { role: 'ANALYST', purpose: null });
    expect(res.body.data!.privacyNotice).toEqual({ version: 0, status: 'DRAFT' });
  });
});

describe('publishing', () => {
  test('only the officer publishes; anyone else is refused and nothing is written', async () => {
    const before = await tableCounts(h.db.knex);
    for (const role of ['AGENT', 'AUDITOR', 'CUSTOMER']) {
      const res = await h.graphql(PUBLISH, { role, sub: role === 'CUSTOMER' ? (await h.db.knex('customers').first('id')).id : undefined });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const after = await tableCounts(h.db.knex);
    expect({ ...after, access_log: 0 }).toEqual({ ...before, access_log: 0 });
  });

  test('publishes version 1 with one notification per active customer, erased customers left out, and a log record', async () => {
    // Erase one customer the way it happens: asked for, then processed by the officer.
    const erased = (await h.db.knex('customers').orderBy('id').first('id')).id;
    const asked = await h.graphql('mutation { requestErasure { id } }', { role: 'CUSTOMER', sub: erased });
    const done = await h.graphql('mutation ($id: ID!) { processErasure(id: $id) { status } }', { role: 'OFFICER', variables: { id: asked.body.data!.requestErasure.id } });
    expect(done.body.data!.processErasure.status).toBe('COMPLETED');

    const active = await activeCustomers();
    const res = await h.graphql(PUBLISH, { role: 'OFFICER' });
    expect(res.body.data!.publishPrivacyNotice).toEqual({ status: 'PUBLISHED', version: 1, changes: ['First published version of this notice.'], notificationsQueued: active });
    const outbox = await h.db.knex('notice_outbox').where({ version: 1 }).select('customer_id', 'sent_at');
    expect(outbox).toHaveLength(active);
    expect(new Set(outbox.map((r) => r.customer_id)).size).toBe(active);
    expect(outbox.map((r) => r.customer_id)).not.toContain(erased);
    expect(outbox.every((r) => r.sent_at === null)).toBe(true);
    const record = await h.db.knex('access_log').where({ outcome: 'CHANGE' }).orderBy('seq', 'desc').first();
    expect(record).toMatchObject({ role: 'OFFICER', principal: 'officer-1', app: 'privacy-office' });
    expect(record.detail).toMatchObject({ operation: 'publishPrivacyNotice', version: 1, notificationsQueued: active });

    const notice = (await post({ query: NOTICE })).body.data!.privacyNotice;
    expect(notice).toMatchObject({ version: 1, status: 'PUBLISHED', upToDate: true, changes: ['First published version of this notice.'] });
    expect(Date.parse(notice.effectiveAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  test('once a version is published, the draft of the next one is the officer\'s: not public, not for other roles', async () => {
    const draft = { query: NOTICE, variables: { version: 0 } };
    const anonymous = await post(draft);
    expect(anonymous.body.errors![0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'DRAFT_NOT_PUBLIC' });
    expect(anonymous.body.data?.privacyNotice ?? null).toBeNull();
    for (const role of ['CUSTOMER', 'AGENT', 'PARTNER', 'AUDITOR']) {
      const res = await h.graphql(NOTICE, { role, variables: { version: 0 } });
      expect([role, res.body.errors![0].extensions!.reason]).toEqual([role, 'DRAFT_NOT_PUBLIC']);
    }
    const officer = await h.graphql(NOTICE, { role: 'OFFICER', variables: { version: 0 } });
    expect(officer.body.data!.privacyNotice).toMatchObject({ version: 0, status: 'DRAFT' });
  });

  test('publishing again with nothing changed reports unchanged and writes nothing at all', async () => {
    const before = await tableCounts(h.db.knex);
    const res = await h.graphql(PUBLISH, { role: 'OFFICER' });
    expect(res.body.data!.publishPrivacyNotice).toEqual({ status: 'UNCHANGED', version: 1, changes: [], notificationsQueued: 0 });
    expect(await tableCounts(h.db.knex)).toEqual(before);
  });

  test('a newly registered partner changes the notice: version 2 names it, and every active customer is notified again', async () => {
    await h.db.knex('applications').insert({ id: 'partner-new', name: 'New partner', role: 'PARTNER', owner: 'legal@partner.example' });
    const stale = (await post({ query: NOTICE })).body.data!.privacyNotice;
    expect(stale).toMatchObject({ version: 1, upToDate: false });
    const res = await h.graphql(PUBLISH, { role: 'OFFICER' });
    expect(res.body.data!.publishPrivacyNotice).toMatchObject({ status: 'PUBLISHED', version: 2, changes: ['A new partner receives data: New partner (legal@partner.example).'] });
    expect(Number((await h.db.knex('notice_outbox').where({ version: 2 }).count({ n: '*' }).first())!.n)).toBe(await activeCustomers());
    const v1 = (await post({ query: NOTICE, variables: { version: 1 } })).body.data!.privacyNotice;
    expect(v1).toMatchObject({ version: 1, upToDate: false });
    const recipients = JSON.parse((await post({ query: NOTICE })).body.data!.privacyNotice.json).facts.recipients.map((r: { app: string }) => r.app);
    expect(recipients).toContain('partner-new');
  });

  test('published versions cannot be changed or removed, not even by the owner of the tables', async () => {
    await expect(h.db.knex('privacy_notices').where({ version: 1 }).update({ published_by: 'someone else' })).rejects.toThrow(/append-only/);
    await expect(h.db.knex('privacy_notices').where({ version: 1 }).delete()).rejects.toThrow(/append-only/);
  });
});

describe('acknowledging', () => {
  test('a customer acknowledges a version once; again returns the first time; an unpublished version is refused', async () => {
    const { id } = await h.db.knex('customers').whereNull('erased_at').orderBy('id', 'desc').first('id');
    const first = await h.graphql(ACK, { role: 'CUSTOMER', sub: id, variables: { v: 2 } });
    expect(first.body.data!.acknowledgePrivacyNotice.version).toBe(2);
    const again = await h.graphql(ACK, { role: 'CUSTOMER', sub: id, variables: { v: 2 } });
    expect(again.body.data!.acknowledgePrivacyNotice).toEqual(first.body.data!.acknowledgePrivacyNotice);
    expect(await h.db.knex('notice_acknowledgements').where({ customer_id: id }).select('version')).toEqual([{ version: 2 }]);
    const records = await h.db.knex('access_log').where({ outcome: 'CHANGE' }).whereRaw('subject_ids @> ARRAY[?]::uuid[]', [id]);
    expect(records.map((r) => r.detail.operation)).toEqual(['acknowledgePrivacyNotice']);

    const unpublished = await h.graphql(ACK, { role: 'CUSTOMER', sub: id, variables: { v: 9 } });
    expect(unpublished.body.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'version' });
    const agent = await h.graphql(ACK, { role: 'AGENT', variables: { v: 2 } });
    expect(agent.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  test('a customer reads which version they acknowledged (recorded as a read of their data), and the export holds it; nobody else reads it', async () => {
    const [reader, other] = await h.db.knex('customers').whereNull('erased_at').orderBy('id').limit(2).pluck('id');
    const asked = async (sub: string) => (await h.graphql('{ acknowledgedPrivacyNotice }', { role: 'CUSTOMER', sub })).body;
    expect((await asked(reader)).data).toEqual({ acknowledgedPrivacyNotice: null });
    await h.graphql(ACK, { role: 'CUSTOMER', sub: reader, variables: { v: 1 } });
    await h.graphql(ACK, { role: 'CUSTOMER', sub: reader, variables: { v: 2 } });
    expect((await asked(reader)).data).toEqual({ acknowledgedPrivacyNotice: 2 });
    expect((await asked(other)).data).toEqual({ acknowledgedPrivacyNotice: null }); // one customer's acknowledgement is not another's
    const read = await h.db.knex('access_log').where({ outcome: 'READ', role: 'CUSTOMER' }).whereRaw('subject_ids @> ARRAY[?]::uuid[]', [reader]).orderBy('seq', 'desc').first();
    expect(read.accesses[0].fields).toEqual({ 'Query.acknowledgedPrivacyNotice': 'CLEAR' });
    const exported = JSON.parse((await h.graphql('{ exportMyData }', { role: 'CUSTOMER', sub: reader })).body.data!.exportMyData);
    expect(exported.noticeAcknowledgements).toEqual([
      { version: 1, acknowledgedAt: expect.stringMatching(/^\d{4}-/) },
      { version: 2, acknowledgedAt: expect.stringMatching(/^\d{4}-/) },
    ]);
    for (const role of ['AGENT', 'OFFICER', 'AUDITOR']) expect([role, (await h.graphql('{ acknowledgedPrivacyNotice }', { role })).body.errors![0].extensions!.code]).toEqual([role, 'FORBIDDEN']);
  });
});
