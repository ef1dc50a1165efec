// What clients received against what the log holds (DESIGN.md section 5):
// every customer value of every response in a mixed-role run is covered by a
// committed record with the right action; excluded and denied requests are
// recorded; the log reads back through the API for the people it concerns.

import { pseudonymize, pseudonymKeyFor } from '../src/masking';
import { releaseScopedId } from '../src/anonymity/releaseEpoch';
import { currentEpoch } from './support/releasePseudonyms';
import { PURPOSE_OF, startHarness, type GraphQLResponse, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 120 });
});
afterAll(() => h?.close());

const FIELDS = 'id accountNumber name email phone street city postalCode birthDate age estimatedIncome shoppingHabits segment ethnicity religion';
const LIST = `{ customers(first: 40) { nodes { ${FIELDS} orders { id amount } } } }`;

interface Record {
  app: string | null;
  principal: string | null;
  role: string | null;
  purpose: string | null;
  view: string | null;
  outcome: string;
  subject_ids: string[];
  excluded_ids: string[];
  accesses: Array<{ fields: { [field: string]: string }; subjects: string[] }>;
  detail: { [key: string]: unknown };
}

const arr = (v: string[] | string) => (Array.isArray(v) ? v : v.replace(/^\{|\}$/g, '').split(',').filter(Boolean));

async function recordOf(res: GraphQLResponse): Promise<Record> {
  const requestId = res.body.extensions?.requestId;
  expect(requestId).toBeDefined();
  const rows = await h.db.knex('access_log').where({ request_id: requestId }).select('*');
  expect(rows).toHaveLength(1);
  const row = rows[0];
  return { ...row, subject_ids: arr(row.subject_ids), excluded_ids: arr(row.excluded_ids) };
}

function actionsBySubject(record: Record): Map<string, { [field: string]: string }> {
  const map = new Map<string, { [field: string]: string }>();
  for (const g of record.accesses) for (const s of g.subjects) map.set(s, g.fields);
  return map;
}

describe('every value a client received is covered by a committed record', () => {
  test.each(['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER'])('%s', async (role) => {
    const res = await h.graphql(LIST, { role });
    expect(res.body.errors).toBeUndefined();
    const nodes: Array<{ [k: string]: unknown }> = res.body.data!.customers.nodes;
    const record = await recordOf(res);
    expect(record).toMatchObject({ role, purpose: PURPOSE_OF[role], outcome: 'READ', principal: `${role.toLowerCase()}-1` });
    expect(record.view).toBe(res.body.extensions!.privacy.view);
    // One subject per returned customer, in response order.
    expect(record.subject_ids).toHaveLength(nodes.length);
    const actions = actionsBySubject(record);
    const key = pseudonymKeyFor(h.config.pseudonymSecret, record.app!);
    // The analyst's pseudonyms are of the release-scoped id.
    const epoch = role === 'ANALYST' ? await currentEpoch(h.db.knex) : undefined;
    const pseudonymOf = (id: string) => pseudonymize(key, epoch === undefined ? id : releaseScopedId(epoch, id));
    nodes.forEach((node, i) => {
      const subject = record.subject_ids[i];
      const logged = actions.get(subject)!;
      // The node is this subject: the id is the real one, or its pseudonym under this app's key.
      expect([subject, pseudonymOf(subject)]).toContain(node.id);
      for (const field of FIELDS.split(' ')) {
        const action = logged[`Customer.${field}`];
        expect(action).toBeDefined();
        if (node[field] !== null) expect(action).not.toBe('OMITTED');
      }
      expect(logged['Order.amount'] ?? logged['Customer.orders']).toBeDefined();
    });
    // And the withheld summary the client saw matches the record (one
    // summary line per field, action and reason; the log keeps field and action).
    const summarized = new Map<string, number>();
    for (const w of res.body.extensions!.privacy.withheld) {
      const k = `${w.field} ${w.action}`;
      summarized.set(k, (summarized.get(k) ?? 0) + w.customers);
    }
    for (const [k, customers] of summarized) {
      const [field, action] = k.split(' ');
      expect([...actions.values()].filter((f) => f[field] === action).length).toBe(customers);
    }
  });

  test('values in clear in the response are CLEAR in the log, masked ones MASKED', async () => {
    const res = await h.graphql('{ customers(first: 10) { nodes { id email phone } } }', { role: 'MARKETER' });
    const record = await recordOf(res);
    for (const fields of actionsBySubject(record).values()) {
      expect(fields).toEqual({ 'Customer.id': 'CLEAR', 'Customer.email': 'CLEAR', 'Customer.phone': 'MASKED' });
    }
    // What the client is told, in words a UI can show.
    expect(res.body.extensions!.privacy.withheld).toEqual([
      { field: 'Customer.phone', action: 'MASKED', strategy: 'LAST4', reason: 'PURPOSE_NOT_ALLOWED', customers: 10, message: 'not collected for DIRECT_MARKETING: masked or left out',
        shownAs: 'the last 4 characters; the others replaced by *', appliesTo: 'EVERY_VALUE' },
    ]);
  });
});

test('customers excluded by an opt-out are recorded as excluded, and only they', async () => {
  const optedOut: string[] = await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).pluck('customer_id');
  const all: string[] = await h.db.knex('customers').pluck('id');
  const seen = new Set<string>();
  const excluded = new Set<string>();
  let after: string | null = null;
  do {
    const res: GraphQLResponse = await h.graphql('query($after: String) { customers(first: 25, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', {
      role: 'MARKETER',
      variables: { after },
    });
    const record = await recordOf(res);
    record.subject_ids.forEach((id) => seen.add(id));
    record.excluded_ids.forEach((id) => excluded.add(id));
    const page = res.body.data!.customers;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  expect([...excluded].sort()).toEqual([...optedOut].sort());
  expect(seen.size + excluded.size).toBe(all.length);
  expect([...seen].filter((id) => excluded.has(id))).toEqual([]);
});

test('one request with several lists records whom each one left out, and the next request of the same shape its own', async () => {
  // The exclusion SQL is compiled once per shape (src/data/exclusionQuery.ts):
  // a second request of the same shape must bind its own ranges, not the first's.
  const optedOut = new Set<string>(await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).pluck('customer_id'));
  const everyone: string[] = await h.db.knex('customers').whereNull('erased_at').orderBy('id').pluck('id');
  const listable = everyone.filter((id) => !optedOut.has(id));
  const cursorAfter = async (n: number) => {
    const res = await h.graphql(`{ customers(first: ${n}) { pageInfo { endCursor } } }`, { role: 'MARKETER' });
    return res.body.data!.customers.pageInfo.endCursor as string;
  };
  const TWO = 'query($a: String, $b: String) { x: customers(first: 6, after: $a) { nodes { id } } y: customers(first: 4, after: $b) { nodes { id } } }';
  // Which opted-out customers a page starting after `start` (an index in `listable`, -1: the start) passes, up to the row it reads past its end.
  const passed = (start: number, size: number) => {
    const from = start < 0 ? 0 : everyone.indexOf(listable[start]) + 1;
    const to = everyone.indexOf(listable[start + size + 1]) + 1;
    return everyone.slice(from, to).filter((id) => optedOut.has(id));
  };
  for (const [a, b] of [[10, 30], [40, 5]]) {
    const res = await h.graphql(TWO, { role: 'MARKETER', variables: { a: await cursorAfter(a), b: await cursorAfter(b) } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.x.nodes.map((n: { id: string }) => n.id)).toEqual(listable.slice(a, a + 6));
    expect(res.body.data!.y.nodes.map((n: { id: string }) => n.id)).toEqual(listable.slice(b, b + 4));
    const record = await recordOf(res);
    const expected = [...new Set([...passed(a - 1, 6), ...passed(b - 1, 4)])].sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(record.excluded_ids).toEqual(expected);
  }
});

test('a lookup of an opted-out customer is recorded as an exclusion, not a read', async () => {
  const id: string = await h.db.knex('opt_outs').where({ kind: 'AUTOMATED_DECISION', opted_out: true }).first().then((r) => r.customer_id);
  const res = await h.graphql(`{ customer(id: "${id}") { id age } }`, { role: 'DECISION_ENGINE' });
  expect(res.body.data!.customer).toBeNull();
  const record = await recordOf(res);
  expect(record.subject_ids).toEqual([]);
  expect(record.excluded_ids).toEqual([id]);
});

describe('denied requests are recorded, without customer data', () => {
  const lastRecord = () => h.db.knex('access_log').orderBy('seq', 'desc').first();

  test('an expired token: nothing about the caller is trusted', async () => {
    const token = await h.token('OFFICER', { expiresIn: -60 });
    const res = await h.graphql('{ customers(first: 1) { nodes { id } } }', { token, purpose: 'PRIVACY_ADMINISTRATION' });
    expect(res.status).toBe(401);
    const r = await lastRecord();
    expect(r).toMatchObject({ outcome: 'DENIED', app: null, principal: null, role: null, purpose: 'PRIVACY_ADMINISTRATION', detail: { code: 'UNAUTHENTICATED' } });
  });

  test('a purpose the role may not use: the verified caller is named', async () => {
    const res = await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT', purpose: 'ANALYTICS' });
    expect(res.status).toBe(403);
    const r = await lastRecord();
    expect(r).toMatchObject({ outcome: 'DENIED', app: 'crm-console', principal: 'agent-1', role: 'AGENT', detail: { code: 'FORBIDDEN', reason: 'PURPOSE_NOT_ALLOWED' } });
  });

  test('a root field refused by a permission rule', async () => {
    const res = await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AUDITOR' });
    expect(res.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    const r = await lastRecord();
    expect(r.outcome).toBe('DENIED');
    expect(r.role).toBe('AUDITOR');
    expect(r.detail).toEqual({ code: 'FORBIDDEN', denied: [{ path: 'customers', code: 'FORBIDDEN', reason: 'NO_CUSTOMER_RECORDS' }] });
    expect(r.subject_ids.length ?? 0).toBe(0);
  });
});

describe('reading the log', () => {
  let subject: string;
  beforeAll(async () => {
    subject = (await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT' })).body.data!.customers.nodes[0].id;
    await h.graphql(`{ customer(id: "${subject}") { name religion } }`, { role: 'OFFICER' });
  });

  test('the officer finds who accessed a customer, which fields, when and why', async () => {
    const res = await h.graphql(`{ accessLog(subjectId: "${subject}", first: 100) { nodes { at requestId app principal role purpose view subjectId outcome fields { field action } } } }`, { role: 'OFFICER' });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.accessLog.nodes;
    expect(nodes.every((n: { subjectId: string }) => n.subjectId === subject)).toBe(true);
    const officerRead = nodes.find((n: { role: string }) => n.role === 'OFFICER');
    expect(officerRead).toMatchObject({ app: 'privacy-office', purpose: 'PRIVACY_ADMINISTRATION', view: 'PERSONAL_DATA', outcome: 'READ' });
    expect(officerRead.fields).toEqual(expect.arrayContaining([{ field: 'Customer.religion', action: 'CLEAR' }]));
    // Newest first.
    const times = nodes.map((n: { at: string }) => n.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  test('pages of the log cover every entry once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res: GraphQLResponse = await h.graphql('query($after: String) { accessLog(role: AGENT, first: 30, after: $after) { edges { cursor node { requestId subjectId outcome } } pageInfo { hasNextPage endCursor } } }', {
        role: 'OFFICER',
        variables: { after },
      });
      const page = res.body.data!.accessLog;
      seen.push(...page.edges.map((e: { node: { requestId: string; subjectId: string; outcome: string } }) => `${e.node.requestId}/${e.node.subjectId}/${e.node.outcome}`));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    const agentRecords = await h.db.knex('access_log').where({ role: 'AGENT' }).select('subject_ids', 'excluded_ids', 'outcome');
    const expected = agentRecords.reduce((n, r) => n + (r.outcome === 'READ' ? r.subject_ids.length + r.excluded_ids.length : 1), 0);
    expect(seen.length).toBe(expected);
  });

  test('the auditor sees customers only as pseudonyms and cannot look one up', async () => {
    const res = await h.graphql('{ accessLog(first: 200) { nodes { subjectId role } } }', { role: 'AUDITOR' });
    expect(res.body.errors).toBeUndefined();
    const ids = res.body.data!.accessLog.nodes.map((n: { subjectId: string | null }) => n.subjectId).filter(Boolean);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id: string) => id.startsWith('psn_'))).toBe(true);
    expect(res.text).not.toContain(subject);
    const lookup = await h.graphql(`{ accessLog(subjectId: "${subject}") { nodes { at } } }`, { role: 'AUDITOR' });
    expect(lookup.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  test('a customer reads who accessed their data, without staff names; other roles cannot', async () => {
    const res = await h.graphql('{ me { accessHistory(first: 50) { nodes { app role purpose principal fields { field action } } } } }', { role: 'CUSTOMER', sub: subject });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.me.accessHistory.nodes;
    expect(nodes.map((n: { app: string }) => n.app)).toEqual(expect.arrayContaining(['crm-console', 'privacy-office']));
    expect(nodes.every((n: { principal: string | null }) => n.principal === null)).toBe(true);
    for (const role of ['AGENT', 'MARKETER', 'ANALYST']) {
      const other = await h.graphql('{ customers(first: 3) { nodes { accessHistory { nodes { app } } } } }', { role });
      expect(other.body.data!.customers.nodes.every((n: { accessHistory: unknown }) => n.accessHistory === null)).toBe(true);
    }
    const forbidden = await h.graphql('{ accessLog { nodes { at } } }', { role: 'AGENT' });
    expect(forbidden.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

test('an empty page (first: 0) shows nobody: its record names only whom the opt-out left out before the first row it read', async () => {
  const firstShown: string = (await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'MARKETER' })).body.data!.customers.nodes[0].id;
  const optedOut: string[] = await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).where('customer_id', '<', firstShown).orderBy('customer_id').pluck('customer_id');
  const res = await h.graphql('{ customers(first: 0) { nodes { id } pageInfo { hasNextPage endCursor } } }', { role: 'MARKETER' });
  // At the start of the list the empty page ends where the list starts: null, and rows follow.
  expect(res.body.data!.customers).toEqual({ nodes: [], pageInfo: { hasNextPage: true, endCursor: null } });
  const record = await h.db.knex('access_log').where({ request_id: res.body.extensions!.requestId }).first('subject_ids', 'excluded_ids');
  const excluded = record ? arr(record.excluded_ids) : [];
  expect(excluded).toEqual(optedOut);
  expect(record ? arr(record.subject_ids) : []).toEqual([]);
});

test('first: 0 after a cursor ends at that cursor: continuing from endCursor gives the next page', async () => {
  const q = 'query($n: Int, $after: String) { customers(first: $n, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }';
  const first = (await h.graphql(q, { role: 'MARKETER', variables: { n: 2 } })).body.data!.customers;
  const empty = (await h.graphql(q, { role: 'MARKETER', variables: { n: 0, after: first.pageInfo.endCursor } })).body.data!.customers;
  expect(empty).toEqual({ nodes: [], pageInfo: { hasNextPage: true, endCursor: first.pageInfo.endCursor } });
  const direct = (await h.graphql(q, { role: 'MARKETER', variables: { n: 2, after: first.pageInfo.endCursor } })).body.data!.customers;
  const viaEmpty = (await h.graphql(q, { role: 'MARKETER', variables: { n: 2, after: empty.pageInfo.endCursor } })).body.data!.customers;
  expect(viaEmpty.nodes).toEqual(direct.nodes);
  expect(direct.nodes).toHaveLength(2);
  // At the end of the list an empty page says so: no next page, and still a cursor to stay at.
  const all = (await h.graphql(q, { role: 'MARKETER', variables: { n: 500 } })).body.data!.customers;
  expect(all.pageInfo.hasNextPage).toBe(false);
  const atEnd = (await h.graphql(q, { role: 'MARKETER', variables: { n: 0, after: all.pageInfo.endCursor } })).body.data!.customers;
  expect(atEnd).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: all.pageInfo.endCursor } });
});

test('one request with several results records the exclusions of each, once', async () => {
  const optedOut: string[] = await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).orderBy('customer_id').pluck('customer_id');
  const far = optedOut[optedOut.length - 1];
  const res = await h.graphql(`{ a: customers(first: 5) { nodes { id } } b: customers(first: 5) { nodes { id } } c: customer(id: "${far}") { id } }`, { role: 'MARKETER' });
  expect(res.body.data!.c).toBeNull();
  const record = await recordOf(res);
  // Each list read one row past its page (for hasNextPage): its range ends there.
  const lastRead = (await h.graphql('{ customers(first: 6) { nodes { id } } }', { role: 'MARKETER' })).body.data!.customers.nodes[5].id;
  const expected = [...optedOut.filter((id) => id <= lastRead), far].sort();
  expect(record.excluded_ids).toEqual(expected);
});

test('a customer left out between the last row shown and the row read past it is recorded as excluded, with `first: 0` too', async () => {
  // hasNextPage, and how long the page took to read, say whether someone
  // between the two was left out: a caller who knows them can tell their
  // opt-out from a page that shows neither. The record names them.
  const q = 'query($n: Int, $after: String) { customers(first: $n, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage } } }';
  const optedOut = new Set<string>(await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).pluck('customer_id'));
  const all: string[] = await h.db.knex('customers').whereNull('erased_at').orderBy('id').pluck('id');
  const edges = (await h.graphql(q, { role: 'MARKETER', variables: { n: 500 } })).body.data!.customers.edges as Array<{ cursor: string; node: { id: string } }>;
  // A shown customer followed (in id order) by an opted-out one, then a shown one.
  const i = edges.findIndex((e, k) => k > 0 && k + 1 < edges.length && all.some((id) => id > e.node.id && id < edges[k + 1].node.id && optedOut.has(id)));
  expect(i).toBeGreaterThan(0);
  const between = all.filter((id) => id > edges[i].node.id && id < edges[i + 1].node.id);
  expect(between.length).toBeGreaterThan(0);
  const one = await h.graphql(q, { role: 'MARKETER', variables: { n: 1, after: edges[i - 1].cursor } });
  expect(one.body.data!.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([edges[i].node.id]);
  expect((await recordOf(one)).excluded_ids).toEqual(between.sort());
  const none = await h.graphql(q, { role: 'MARKETER', variables: { n: 0, after: edges[i].cursor } });
  expect(none.body.data!.customers.pageInfo.hasNextPage).toBe(true);
  expect((await recordOf(none)).excluded_ids).toEqual(between.sort());
});
