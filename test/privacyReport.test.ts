// privacyReport against the access log: a known mix of requests through the
// server, then the report's figures for exactly those requests; what the
// officer and the auditor each get; the report read recorded as a log read.

import { startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 60 });
});
afterAll(() => h?.close());

const REPORT = `query ($from: String!, $to: String!) { privacyReport(from: $from, to: $to) {
  audience records
  chain { headSeq headHash verified verifiedThroughSeq }
  applications { app roles purposes views categories { category values } requests customers customerRecords excludedRecords deniedRequests }
  accessByPurpose { key requests customerRecords values }
  accessByRole { key requests customerRecords values }
  accessByCategory { category clear masked anonymized omitted changed }
  accessByDay { day purpose requests customerRecords }
  denied { code reason requests }
  exclusions { purpose view requests records customers }
  logReads { app role requests entriesReturned }
  optOuts { activeCustomers current { kind optedOut rate } trend { day kind optedOut optedIn } }
  pending { changeRequests erasureRequests list { kind id customerId fields since } }
  notice { version notified acknowledged notAcknowledged notAcknowledgedCustomers }
  warehouse { tables { name rows } views { view databaseRole role purpose installed } }
  exposure { rows { role purpose view cells { coordinate action strategy } } }
  dataModel { coordinate classification }
  json
} }`;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const byKey = <T extends { key: string }>(list: T[], key: string) => list.find((u) => u.key === key);

describe('a known mix of requests', () => {
  let from: string;
  let to: string;
  let optedOutOfMarketing: number;
  let erasureCustomer: string;

  beforeAll(async () => {
    const startedAt = new Date(Date.now() - 1000);
    from = startedAt.toISOString();
    to = new Date(Date.now() + 3_600_000).toISOString();
    const ok = (res: { body: { errors?: unknown } }) => expect(res.body.errors).toBeUndefined();
    // 1. the agent: 5 customers, id and name (identity) and email (personal) in clear
    ok(await h.graphql('{ customers(first: 5) { nodes { id name email } } }', { role: 'AGENT' }));
    // 2. the agent again, refused: the access log is not the agent's
    expect((await h.graphql('{ accessLog(first: 1) { nodes { seq } } }', { role: 'AGENT' })).body.errors?.[0].extensions?.reason).toBe('ACCESS_LOG_NOT_ALLOWED');
    // 3. the marketer: everyone not opted out of direct marketing
    ok(await h.graphql('{ customers(first: 100) { nodes { id } } }', { role: 'MARKETER' }));
    // 4. the partner: city and age of 4 customers
    ok(await h.graphql('{ customers(first: 4) { nodes { city age } } }', { role: 'PARTNER' }));
    // 5. the officer reads 3 entries of the log
    ok(await h.graphql('{ accessLog(first: 3) { nodes { seq } } }', { role: 'OFFICER' }));
    // 6. a customer asks to be erased
    const customer = await h.db.knex('customers').select('id').whereNull('erased_at').orderBy('id').first();
    erasureCustomer = customer.id;
    ok(await h.graphql('mutation { requestErasure { id } }', { role: 'CUSTOMER', sub: erasureCustomer }));
    const [{ n }] = await h.db.knex('opt_outs as o').join('customers as c', 'c.id', 'o.customer_id').where({ 'o.kind': 'DIRECT_MARKETING', 'o.opted_out': true }).whereNull('c.erased_at').count({ n: '*' });
    optedOutOfMarketing = Number(n);
    expect(optedOutOfMarketing).toBeGreaterThan(0);
  });

  const report = async (role = 'OFFICER') => {
    const res = await h.graphql(REPORT, { role, variables: { from, to } });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.privacyReport;
  };

  test('the figures are those of the requests made', async () => {
    const r = await report();
    expect(r.audience).toBe('OFFICER');
    // Served: agent, marketer, partner, officer (log read), and the customer's erasure request (its change, then the
    // request's fields read back); refused: the agent's log query.
    const [{ n }] = await h.db.knex('access_log').where('at', '>=', new Date(from)).andWhere('seq', '<=', r.chain.headSeq).count({ n: '*' });
    expect(r.records).toBe(Number(n));
    expect(r.records).toBe(7);
    const crm = r.applications.find((a: { app: string }) => a.app === 'crm-console');
    expect(crm).toEqual({
      app: 'crm-console', roles: ['AGENT'], purposes: ['CUSTOMER_SERVICE'], views: ['STANDARD'],
      categories: [{ category: 'identity', values: 10 }, { category: 'personal', values: 5 }],
      requests: 1, customers: 5, customerRecords: 5, excludedRecords: 0, deniedRequests: 1,
    });
    expect(byKey(r.accessByPurpose, 'CUSTOMER_SERVICE')).toEqual({ key: 'CUSTOMER_SERVICE', requests: 1, customerRecords: 5, values: 15 });
    expect(byKey(r.accessByPurpose, 'THIRD_PARTY_DISCLOSURE')).toEqual({ key: 'THIRD_PARTY_DISCLOSURE', requests: 1, customerRecords: 4, values: 8 });
    expect(byKey(r.accessByRole, 'PARTNER')).toMatchObject({ requests: 1, customerRecords: 4 });
    const marketer = r.applications.find((a: { app: string }) => a.app === 'campaign-manager');
    expect(marketer.customerRecords + marketer.excludedRecords).toBe(60);
    expect(r.exclusions[0]).toEqual({ purpose: 'DIRECT_MARKETING', view: 'OPT_OUT', requests: 1, records: optedOutOfMarketing, customers: optedOutOfMarketing });
    // The partner's page left out whoever in its range opted out of disclosure: as many as its record lists.
    const partner = await h.db.knex('access_log').where({ app: 'partner-portal' }).select(h.db.knex.raw('cardinality(excluded_ids)::int AS n')).first();
    expect(r.exclusions.slice(1)).toEqual(partner.n === 0 ? [] : [{ purpose: 'THIRD_PARTY_DISCLOSURE', view: 'SELECTIVE_ANONYMIZATION', requests: 1, records: partner.n, customers: partner.n }]);
    expect(r.denied).toEqual([{ code: 'FORBIDDEN', reason: 'ACCESS_LOG_NOT_ALLOWED', requests: 1 }]);
    expect(r.logReads).toEqual([{ app: 'privacy-office', role: 'OFFICER', requests: 1, entriesReturned: 3 }]);
    // Every request served is on some day, for its purpose.
    const perDay = r.accessByDay.reduce((sum: number, d: { requests: number }) => sum + d.requests, 0);
    expect(perDay).toBe(r.accessByPurpose.reduce((sum: number, u: { requests: number }) => sum + u.requests, 0));
    expect(perDay).toBe(6);
    expect(byKey(r.accessByPurpose, 'SELF_SERVICE')).toMatchObject({ requests: 2, customerRecords: 2 });
    expect(r.pending.erasureRequests).toBe(1);
    expect(r.pending.list).toEqual([expect.objectContaining({ kind: 'ERASURE', customerId: erasureCustomer, fields: [] })]);
    expect(r.chain).toMatchObject({ verified: true, verifiedThroughSeq: r.chain.headSeq });
  });

  test('the static parts come from the catalog and the decision rule', async () => {
    const r = await report();
    const agent = r.exposure.rows.find((row: { role: string }) => row.role === 'AGENT');
    expect(agent.view).toBe('STANDARD');
    expect(agent.cells.find((c: { coordinate: string }) => c.coordinate === 'Customer.phone')).toEqual({ coordinate: 'Customer.phone', action: 'CLEAR', strategy: null });
    expect(agent.cells.find((c: { coordinate: string }) => c.coordinate === 'Customer.religion').action).toBe('OMITTED');
    expect(r.dataModel.map((e: { coordinate: string }) => e.coordinate)).toEqual(expect.arrayContaining(['Customer.email', 'Order.amount']));
    expect(r.warehouse.tables.find((t: { name: string }) => t.name === 'customers').rows).toBe(60);
    expect(r.warehouse.views.map((v: { role: string }) => v.role)).toEqual(['AGENT', 'OFFICER', 'ANALYST', 'MARKETER', 'DECISION_ENGINE', 'PARTNER']);
    expect(r.warehouse.views.every((v: { installed: boolean }) => v.installed)).toBe(true);
    const marketing = r.optOuts.current.find((o: { kind: string }) => o.kind === 'DIRECT_MARKETING');
    expect(marketing).toEqual({ kind: 'DIRECT_MARKETING', optedOut: optedOutOfMarketing, rate: Math.round((optedOutOfMarketing / 60) * 10_000) / 10_000 });
  });

  test('the auditor gets the same figures with no customer id anywhere', async () => {
    const officer = await report('OFFICER');
    const auditor = await report('AUDITOR');
    expect(auditor.audience).toBe('AUDITOR');
    expect(auditor.pending).toEqual({ changeRequests: 0, erasureRequests: 1, list: null });
    expect(auditor.json).not.toMatch(UUID);
    expect(JSON.stringify(auditor)).not.toMatch(UUID);
    expect(officer.json).toContain(erasureCustomer);
    expect(auditor.applications).toEqual(officer.applications.map((a: { app: string }) => (a.app === 'privacy-office' ? expect.objectContaining({ app: 'privacy-office' }) : a)));
  });

  test('reading a report is recorded as a read of the log, naming the customers its list showed', async () => {
    const res = await h.graphql(REPORT, { role: 'OFFICER', variables: { from, to } });
    const row = await h.db.knex('access_log').where({ request_id: res.body.extensions!.requestId }).first();
    expect(row).toMatchObject({ outcome: 'READ', role: 'OFFICER', app: 'privacy-office' });
    const detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
    expect(detail.accessLogReads).toEqual([{ filter: { report: 'privacyReport', from, to }, entries: expect.any(Number) }]);
    const accesses = typeof row.accesses === 'string' ? JSON.parse(row.accesses) : row.accesses;
    expect(accesses).toEqual([{ fields: { 'Query.privacyReport': 'CLEAR' }, subjects: [erasureCustomer] }]);
    // The next report counts it among the reads of the log.
    const later = await report();
    expect(later.logReads.find((l: { app: string }) => l.app === 'privacy-office').requests).toBeGreaterThanOrEqual(3);
  });
});

describe('who may have a report', () => {
  let h2From: string;
  beforeAll(() => {
    h2From = new Date(Date.now() - 60_000).toISOString();
  });
  test.each(['AGENT', 'MARKETER', 'ANALYST', 'PARTNER', 'DECISION_ENGINE', 'CUSTOMER'])('%s is refused', async (role) => {
    const res = await h.graphql('query ($from: String!) { privacyReport(from: $from, to: "2999-01-01") { records } }', { role, variables: { from: h2From } });
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'REPORTS_NOT_ALLOWED' });
    expect(res.body.data).toBeNull();
  });

  test.each([
    ['not-a-date', '2026-01-01'],
    ['2026-02-01', '2026-01-01'],
    ['2020-01-01', '2026-01-01'],
  ])('from %s to %s is refused as bad input', async (from, to) => {
    const res = await h.graphql('query ($from: String!, $to: String!) { privacyReport(from: $from, to: $to) { records } }', { role: 'OFFICER', variables: { from, to } });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the privacy notice in the report', () => {
  test('the officer sees who has not acknowledged the latest version (and the read names them); the auditor only how many', async () => {
    const published = await h.graphql('mutation { publishPrivacyNotice { version } }', { role: 'OFFICER' });
    const { version } = published.body.data!.publishPrivacyNotice;
    const active: string[] = await h.db.knex('customers').whereNull('erased_at').orderBy('id').pluck('id');
    const readers = [active[0], active[5]];
    for (const sub of readers) await h.graphql('mutation ($v: Int!) { acknowledgePrivacyNotice(version: $v) { version } }', { role: 'CUSTOMER', sub, variables: { v: version } });
    const [from, until] = [new Date(Date.now() - 3_600_000).toISOString(), new Date(Date.now() + 60_000).toISOString()];
    const officer = await h.graphql(REPORT, { role: 'OFFICER', variables: { from, to: until } });
    const notYet = active.filter((id) => !readers.includes(id));
    expect(officer.body.data!.privacyReport.notice).toEqual({
      version,
      notified: active.length,
      acknowledged: 2,
      notAcknowledged: notYet.length,
      notAcknowledgedCustomers: notYet.slice(0, 100),
    });
    const row = await h.db.knex('access_log').where({ request_id: officer.body.extensions!.requestId }).first();
    expect(row.subject_ids).toEqual(expect.arrayContaining(notYet));
    const auditor = await h.graphql(REPORT, { role: 'AUDITOR', variables: { from, to: until } });
    expect(auditor.body.data!.privacyReport.notice).toMatchObject({ acknowledged: 2, notAcknowledged: notYet.length, notAcknowledgedCustomers: null });
    expect(auditor.body.data!.privacyReport.json).not.toMatch(UUID);
  });
});
