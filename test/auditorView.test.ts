// The auditor reads the whole access log with customers as pseudonyms; a
// customer reads their own history. Neither may learn a real id (the auditor)
// or another customer's (a customer) from anything around the entries: the
// details of other requests, or the order entries come in. These reproduce a
// security review's attacks.

import { pseudonymKeyFor, pseudonymize } from '../src/masking';
import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let ids: string[];

beforeAll(async () => {
  h = await startHarness({ customers: 80 });
  ids = await h.db.knex('customers').orderBy('id').pluck('id');
});
afterAll(() => h?.close());

const auditorLog = (filter = '') => h.graphql(`{ accessLog(first: 500${filter}) { nodes { seq outcome principal subjectId detail } } }`, { role: 'AUDITOR' });
const realIdsIn = (text: string) => ids.filter((id) => text.includes(id));

test("the officer's lookup of one customer does not put that customer's real id in front of the auditor", async () => {
  await h.graphql('query($id: ID) { accessLog(subjectId: $id, first: 1) { nodes { seq } } }', { role: 'OFFICER', variables: { id: ids[5] } });
  const res = await auditorLog(', role: OFFICER');
  expect(res.body.data!.accessLog.nodes.length).toBeGreaterThan(0);
  expect(realIdsIn(res.text)).toEqual([]);
});

test("a refused customer's id reaches the auditor only as the auditor's pseudonym", async () => {
  const refused = await h.graphql('{ customers { nodes { id } } }', { role: 'CUSTOMER', sub: ids[7], purpose: 'ANALYTICS' });
  expect(refused.status).toBe(403);
  const res = await auditorLog(', role: CUSTOMER');
  expect(res.body.data!.accessLog.nodes.some((n: Json) => n.outcome === 'DENIED')).toBe(true);
  expect(realIdsIn(res.text)).toEqual([]);
});

test("entries within a record come in the auditor's own order, not the real-id order of the agent's page", async () => {
  const page = await h.graphql('{ customers(first: 80) { nodes { id } } }', { role: 'AGENT' });
  const requestId = page.body.extensions!.requestId;
  const seq = String((await h.db.knex('access_log').where('request_id', requestId).first('seq')).seq);
  const res = await auditorLog(', role: AGENT');
  expect(realIdsIn(res.text)).toEqual([]);
  const key = pseudonymKeyFor(h.config.pseudonymSecret, 'security-review');
  const real = new Map(ids.map((id) => [pseudonymize(key, id), id]));
  const shown = res.body.data!.accessLog.nodes.filter((n: Json) => n.seq === seq).map((n: Json) => real.get(n.subjectId));
  expect([...shown].sort()).toEqual(ids);
  expect(shown.filter((id: string, i: number) => id === ids[i]).length).toBeLessThan(8);
});

test('an auditor query that found nobody is still an entry the officer can see', async () => {
  await auditorLog(', app: "no-such-app"');
  const res = await h.graphql('{ accessLog(role: AUDITOR, first: 5) { nodes { outcome subjectId fields { field } } } }', { role: 'OFFICER' });
  expect(res.body.data!.accessLog.nodes[0]).toEqual({ outcome: 'READ', subjectId: null, fields: [] });
});

test("a customer's history shows no details of others' requests, so no other customer's id", async () => {
  // One officer request reading two customers' histories puts both in one record.
  await h.graphql('query($a: ID, $b: ID) { a: accessLog(subjectId: $a, first: 1) { nodes { seq } } b: accessLog(subjectId: $b, first: 1) { nodes { seq } } }', {
    role: 'OFFICER',
    variables: { a: ids[1], b: ids[2] },
  });
  const mine = await h.graphql('{ me { accessHistory(first: 50) { nodes { role detail } } } }', { role: 'CUSTOMER', sub: ids[1] });
  const nodes = mine.body.data!.me.accessHistory.nodes;
  expect(nodes.some((n: Json) => n.role === 'OFFICER')).toBe(true);
  expect(nodes.every((n: Json) => n.detail === null)).toBe(true);
  expect(realIdsIn(mine.text).filter((id) => id !== ids[1])).toEqual([]);
});

test('the auditor sees no real customer id anywhere in the log', async () => {
  const res = await auditorLog();
  expect(res.body.data!.accessLog.nodes.length).toBeGreaterThan(10);
  expect(realIdsIn(res.text)).toEqual([]);
});
