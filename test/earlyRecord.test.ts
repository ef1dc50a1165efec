// On the compiled path a page's rows are released (decided and recorded) by
// the resolver that read them; when they are everything the operation shows,
// the request's record is complete there and its write starts at once,
// while the executor and Apollo build the answer (accessLogPlugin.ts). A
// writer that notes whether the record was sealed when its write started
// shows which requests take that path; each answer's record is checked to
// name exactly the customers it shows.

import { AccessLogWriter, type AccessLog } from '../src/audit/accessLogWriter';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
let server: PrivqlServer;
let customerId: string;
const startedSealed: boolean[] = [];

beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  customerId = (await h.db.knex('customers').orderBy('id').first('id')).id;
  const real = new AccessLogWriter(h.db.knex);
  const noting: AccessLog = {
    writeRequest(ctx, recorder, onSent) {
      startedSealed.push(recorder.sealed);
      return real.writeRequest(ctx, recorder, onSent);
    },
    writeDenied: (ctx, detail) => real.writeDenied(ctx, detail),
  };
  server = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, accessLog: noting });
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

const ask = (role: string, query: string, variables?: Record<string, unknown>) => h.graphql(query, { role, variables, url: server.url });

/** Every customer id an answer shows, wherever it shows it. */
function idsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => idsIn(v, into));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'id' || key === 'node') && typeof v === 'string') into.add(v);
      else if (key !== 'orders') idsIn(v, into);
    }
  }
  return into;
}

const PAGE = '{ customers(first: 5) { nodes { id email optOuts { directMarketing } orders { amount } } } }';
const EDGES = '{ customers(first: 5) { pageInfo { hasNextPage endCursor } __typename edges { cursor node { id name __typename } } } }';
const ONE = 'query($id: ID!) { customer(id: $id) { id name orders { id placedAt } } }';

test.each([
  ['a page with opt-outs and orders', 'AGENT', 'early', PAGE],
  ['edges with cursors, pageInfo and __typename', 'AGENT', 'early', EDGES],
  ['totalCount, counted by a statement of its own after the rows', 'AGENT', 'at the end', '{ customers(first: 5) { totalCount nodes { id } } }'],
  ['a marketer’s page (opted-out customers excluded)', 'MARKETER', 'early', PAGE],
  ['one customer', 'AGENT', 'early', ONE],
  ['contact preferences, decided later by their own guard', 'AGENT', 'at the end', '{ customers(first: 5) { nodes { id contactPreferences { preferred } } } }'],
  ['access history, read later by its own resolver', 'OFFICER', 'at the end', '{ customers(first: 3) { nodes { id accessHistory(first: 2) { pageInfo { hasNextPage } } } } }'],
  ['two root fields', 'AGENT', 'at the end', '{ a: customers(first: 2) { nodes { id } } b: customers(first: 3) { nodes { id } } }'],
  ['a directive (run on graphql-js)', 'AGENT', 'at the end', '{ customers(first: 5) @include(if: true) { nodes { id } } }'],
  ['a root fragment spread (run on graphql-js)', 'AGENT', 'at the end', '{ ...Q } fragment Q on Query { customers(first: 3) { nodes { id name } } }'],
  ['fragments on the connection, edge and customer', 'AGENT', 'early', '{ customers(first: 4) { ...C } } fragment C on CustomerConnection { e: edges { ...E } n: nodes { ... on Customer { id } } } fragment E on CustomerEdge { cursor node { name } }'],
])('%s (%s): the record is written %s and names exactly the customers shown', async (_name, role, when, query) => {
  const before = startedSealed.length;
  const { status, body } = await ask(role, query, query === ONE ? { id: customerId } : undefined);
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  expect(startedSealed.slice(before)).toEqual([when === 'early']);
  const shown = idsIn(body.data);
  expect(shown.size).toBeGreaterThan(0);
  const record = await h.db.knex('access_log').where({ request_id: body.extensions!.requestId }).first();
  const subjects: string[] = Array.isArray(record.subject_ids) ? record.subject_ids : record.subject_ids.replace(/[{}]/g, '').split(',');
  expect(new Set(subjects)).toEqual(shown);
});
