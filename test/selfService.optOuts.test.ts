// Opt-outs set by the customer (issue 8): immediate, recorded with channel
// and time, consent with its wording, Global Privacy Control, and the very
// next MARKETER query.

import { startHarness, type Harness } from './support/harness';
import { asCustomer, rawPost, tableCounts } from './support/selfService';

let h: Harness;
let ids: string[];
beforeAll(async () => {
  h = await startHarness({ customers: 40 });
  ids = (await h.db.knex('customers').orderBy('id').select('id')).map((r) => r.id);
});
afterAll(() => h?.close());

const SET = `mutation($kind: OptOutKind!, $optedOut: Boolean!, $v: String) { setOptOut(kind: $kind, optedOut: $optedOut, consentVersion: $v) {
  directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse } }`;
const marketed = async () => {
  const res = await h.graphql('{ customers(first: 500) { nodes { id } } }', { role: 'MARKETER' });
  return new Set(res.body.data!.customers.nodes.map((n: { id: string }) => n.id));
};
const optedIn = async (kind: string) => {
  const out = new Set((await h.db.knex('opt_outs').where({ kind, opted_out: true }).select('customer_id')).map((r) => r.customer_id));
  return ids.filter((id) => !out.has(id));
};

test('an opt-out set through the API removes the customer from the very next MARKETER query, and opting in brings them back', async () => {
  const [customer] = await optedIn('DIRECT_MARKETING');
  expect(await marketed()).toContain(customer);
  const res = await asCustomer(h, customer)(SET, { kind: 'DIRECT_MARKETING', optedOut: true });
  expect(res.body.data!.setOptOut.directMarketing).toBe(true);
  expect(await marketed()).not.toContain(customer);
  const history = await h.db.knex('opt_out_history').where({ customer_id: customer, kind: 'DIRECT_MARKETING' }).orderBy('changed_at', 'desc').first();
  expect(history).toMatchObject({ opted_out: true, channel: 'self-service' });
  expect(Date.now() - new Date(history.changed_at).getTime()).toBeLessThan(60_000);

  await asCustomer(h, customer)(SET, { kind: 'DIRECT_MARKETING', optedOut: false });
  expect(await marketed()).toContain(customer);
  const me = await asCustomer(h, customer)('{ me { optOutHistory { kind optedOut channel at } } }');
  expect(me.body.data!.me.optOutHistory.slice(0, 2)).toEqual([
    { kind: 'DIRECT_MARKETING', optedOut: false, channel: 'self-service', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    { kind: 'DIRECT_MARKETING', optedOut: true, channel: 'self-service', at: expect.any(String) },
  ]);
  const log = await h.db.knex('access_log').where({ outcome: 'CHANGE' }).whereRaw('subject_ids @> ARRAY[?]::uuid[]', [customer]).orderBy('seq');
  expect(log.map((r) => r.accesses[0].fields)).toEqual([{ 'OptOuts.directMarketing': 'OPTED_OUT' }, { 'OptOuts.directMarketing': 'OPTED_IN' }]);
});

test('optOutHistory is paged: the latest 20 unless asked for up to 100, all of it in the export; a list of customers with 100 each is over the row budget', async () => {
  const customer = ids[ids.length - 2];
  for (let i = 0; i < 13; i++) {
    for (const optedOut of [true, false]) await asCustomer(h, customer)(SET, { kind: 'AUTOMATED_DECISION', optedOut });
  }
  const held = Number((await h.db.knex('opt_out_history').where({ customer_id: customer }).count({ n: '*' }).first())!.n);
  expect(held).toBeGreaterThan(25);
  const page = async (args: string) => (await asCustomer(h, customer)(`{ me { optOutHistory${args} { kind optedOut at } } }`)).body;
  const latest = (await page('')).data!.me.optOutHistory;
  expect(latest).toHaveLength(20);
  expect(latest[0]).toMatchObject({ kind: 'AUTOMATED_DECISION', optedOut: false });
  expect((await page('(first: 100)')).data!.me.optOutHistory).toHaveLength(held);
  expect((await page('(first: 3)')).data!.me.optOutHistory).toEqual(latest.slice(0, 3));
  expect((await page('(first: 101)')).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  expect(JSON.parse((await asCustomer(h, customer)('{ exportMyData }')).body.data!.exportMyData).optOutHistory).toHaveLength(held);
  const everyone = await h.graphql('{ customers(first: 500) { nodes { optOutHistory(first: 100) { kind } } } }', { role: 'OFFICER' });
  expect(everyone.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(['ROW_BUDGET', 'MAX_COST']).toContain(everyone.body.errors![0].extensions!.reason); // whichever bound is met first
});

test('setting an opt-out to what it already is writes no history', async () => {
  const [customer] = await optedIn('AUTOMATED_DECISION');
  const counts = await tableCounts(h.db.knex);
  const res = await asCustomer(h, customer)(SET, { kind: 'AUTOMATED_DECISION', optedOut: false });
  expect(res.body.data!.setOptOut.automatedDecision).toBe(false);
  const after = await tableCounts(h.db.knex);
  expect(after.opt_out_history).toBe(counts.opt_out_history);
  expect(after.opt_outs).toBe(counts.opt_outs);
});

describe('consent to sensitive-data use is opt-in with its own wording', () => {
  test('the wording and its version are published; consenting without naming it is refused and writes nothing', async () => {
    const consenting = new Set((await h.db.knex('opt_outs').where({ kind: 'SENSITIVE_DATA_USE', opted_out: false }).select('customer_id')).map((r) => r.customer_id));
    const customer = ids.find((id) => !consenting.has(id))!;
    const terms = (await h.graphql('{ optOutTerms { kind title effect consentWording consentVersion } }', { role: 'CUSTOMER', sub: customer })).body.data!.optOutTerms;
    expect(terms.map((t: { kind: string }) => t.kind)).toEqual(['DIRECT_MARKETING', 'THIRD_PARTY_DISCLOSURE', 'AUTOMATED_DECISION', 'SENSITIVE_DATA_USE']);
    const sensitive = terms.find((t: { kind: string }) => t.kind === 'SENSITIVE_DATA_USE');
    expect(sensitive.consentWording).toMatch(/consent/i);
    for (const v of [null, 'sensitive-data-use-v0']) {
      const counts = await tableCounts(h.db.knex);
      const res = await asCustomer(h, customer)(SET, { kind: 'SENSITIVE_DATA_USE', optedOut: false, v });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentVersion' });
      expect(await tableCounts(h.db.knex)).toEqual(counts);
    }
    const given = await asCustomer(h, customer)(SET, { kind: 'SENSITIVE_DATA_USE', optedOut: false, v: sensitive.consentVersion });
    expect(given.body.data!.setOptOut.sensitiveDataUse).toBe(false);
    const proof = await h.db.knex('opt_out_history').where({ customer_id: customer, kind: 'SENSITIVE_DATA_USE' }).orderBy('changed_at', 'desc').first();
    expect(proof).toMatchObject({ opted_out: false, channel: 'self-service', wording: sensitive.consentVersion });
  });

  test('a consent version on any other change is refused', async () => {
    const res = await asCustomer(h, ids[6])(SET, { kind: 'DIRECT_MARKETING', optedOut: true, v: 'sensitive-data-use-v2' });
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consentVersion' });
  });
});

describe('Global Privacy Control (Sec-GPC: 1)', () => {
  const tpd = (id: string) => h.db.knex('opt_outs').where({ customer_id: id, kind: 'THIRD_PARTY_DISCLOSURE' }).first();

  test('on any request of a signed-in customer: a THIRD_PARTY_DISCLOSURE opt-out with channel gpc, seen by that very request and by partners', async () => {
    const [customer] = await optedIn('THIRD_PARTY_DISCLOSURE');
    const res = await rawPost(h, '{ me { optOuts { thirdPartyDisclosure } } }', { role: 'CUSTOMER', sub: customer, headers: { 'sec-gpc': '1' } });
    expect(res.body.data!.me.optOuts.thirdPartyDisclosure).toBe(true);
    expect(await tpd(customer)).toMatchObject({ opted_out: true, channel: 'gpc' });
    const history = await h.db.knex('opt_out_history').where({ customer_id: customer, kind: 'THIRD_PARTY_DISCLOSURE', channel: 'gpc' });
    expect(history).toHaveLength(1);
    // Already opted out: a second request writes nothing more.
    const counts = await tableCounts(h.db.knex);
    await rawPost(h, '{ optOutTerms { kind } }', { role: 'CUSTOMER', sub: customer, headers: { 'sec-gpc': '1' } });
    expect((await tableCounts(h.db.knex)).opt_out_history).toBe(counts.opt_out_history);
    const partner = await h.graphql('{ customers(first: 500) { nodes { city } } }', { role: 'PARTNER' });
    expect(partner.body.data!.customers.nodes).toHaveLength((await optedIn('THIRD_PARTY_DISCLOSURE')).length);
  });

  test('wins over an opt-in made without the signal; an opt-in made while sending it is kept on later requests', async () => {
    const [customer] = (await optedIn('THIRD_PARTY_DISCLOSURE')).slice(-1);
    const gpc = { role: 'CUSTOMER', sub: customer, headers: { 'sec-gpc': '1' } };
    // Opted in on another browser (no signal), then a request with the signal: the signal wins.
    await asCustomer(h, customer)(SET, { kind: 'THIRD_PARTY_DISCLOSURE', optedOut: true });
    await asCustomer(h, customer)(SET, { kind: 'THIRD_PARTY_DISCLOSURE', optedOut: false });
    expect((await rawPost(h, '{ me { optOuts { thirdPartyDisclosure } } }', gpc)).body.data!.me.optOuts.thirdPartyDisclosure).toBe(true);
    // The customer turns sharing back on from the browser that sends the signal: a knowing choice.
    const optIn = await rawPost(h, SET, { ...gpc, variables: { kind: 'THIRD_PARTY_DISCLOSURE', optedOut: false } });
    expect(optIn.body.data!.setOptOut.thirdPartyDisclosure).toBe(false);
    expect(await tpd(customer)).toMatchObject({ opted_out: false, channel: 'self-service, over gpc' });
    const counts = await tableCounts(h.db.knex);
    for (let i = 0; i < 3; i++) expect((await rawPost(h, '{ me { optOuts { thirdPartyDisclosure } } }', gpc)).body.data!.me.optOuts.thirdPartyDisclosure).toBe(false);
    expect((await tableCounts(h.db.knex)).opt_out_history).toBe(counts.opt_out_history);
    const partner = await h.graphql('{ customers(first: 500) { nodes { city } } }', { role: 'PARTNER' });
    expect(partner.body.data!.customers.nodes).toHaveLength((await optedIn('THIRD_PARTY_DISCLOSURE')).length);
  });

  test('ignored on staff requests and without the signal', async () => {
    const [customer] = await optedIn('THIRD_PARTY_DISCLOSURE');
    const counts = await tableCounts(h.db.knex);
    for (const role of ['AGENT', 'MARKETER', 'OFFICER']) {
      await rawPost(h, '{ customers(first: 1) { nodes { id } } }', { role, sub: customer, headers: { 'sec-gpc': '1' } });
    }
    await rawPost(h, '{ me { id } }', { role: 'CUSTOMER', sub: customer, headers: { 'sec-gpc': '0' } });
    const after = await tableCounts(h.db.knex);
    expect([after.opt_outs, after.opt_out_history]).toEqual([counts.opt_outs, counts.opt_out_history]);
    expect((await tpd(customer))?.opted_out ?? false).toBe(false);
  });
});

test('bad input on setOptOut: an unknown kind is refused before anything runs', async () => {
  const counts = await tableCounts(h.db.knex);
  const res = await asCustomer(h, ids[7])(SET, { kind: 'EVERYTHING', optedOut: true });
  expect(res.status).toBe(400);
  expect(res.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  expect(await tableCounts(h.db.knex)).toEqual(counts);
});

test('who sees the new fields: contact preferences for service and marketing, opt-out history and requests only for the customer and the officer', async () => {
  const query = '{ customers(first: 500) { nodes { contactPreferences { channels } optOutHistory { kind } pendingChangeRequests { id } erasedAt } } }';
  const shown = async (role: string) => {
    const res = await h.graphql(query, { role });
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data!.customers.nodes;
    return Object.fromEntries(['contactPreferences', 'optOutHistory', 'pendingChangeRequests', 'erasedAt'].map((f) => [f, nodes.some((n: Record<string, unknown>) => n[f] !== null)]));
  };
  const withheld = (res: Record<string, boolean>) => Object.keys(res).filter((k) => !res[k]);
  expect(withheld(await shown('AGENT'))).toEqual(['optOutHistory', 'pendingChangeRequests', 'erasedAt']);
  expect(withheld(await shown('MARKETER'))).toEqual(['optOutHistory', 'pendingChangeRequests', 'erasedAt']);
  for (const role of ['ANALYST', 'PARTNER', 'DECISION_ENGINE']) expect([role, withheld(await shown(role))]).toEqual([role, ['contactPreferences', 'optOutHistory', 'pendingChangeRequests', 'erasedAt']]);
  // The officer gets every one in clear (erasedAt is null for active customers).
  expect(withheld(await shown('OFFICER'))).toEqual(['erasedAt']);
});
