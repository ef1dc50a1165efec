// Shared by the self-service tests: a customer's requests, and the row count
// of every table in the database (what "nothing was written" is checked on).

import type { Knex } from 'knex';
import type { GraphQLResponse, Harness } from './harness';

/** Rows in every table of the current schema, by table. */
export async function tableCounts(db: Knex): Promise<Record<string, number>> {
  const { rows } = (await db.raw(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  )) as { rows: Array<{ name: string }> };
  const counts: Record<string, number> = {};
  for (const { name } of rows) counts[name] = Number((await db(name).count({ n: '*' }).first())!.n);
  return counts;
}

/** A change of any row, not only a count: the customer tables' content as one digest. */
export async function customerDigest(db: Knex): Promise<string> {
  const { rows } = (await db.raw(
    `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS d FROM (
       SELECT c::text AS t FROM customers c UNION ALL SELECT o::text FROM opt_outs o UNION ALL SELECT r::text FROM change_requests r
       UNION ALL SELECT e::text FROM erasure_requests e) x`,
  )) as { rows: Array<{ d: string }> };
  return rows[0].d;
}

export function asCustomer(h: Harness, sub: string) {
  return (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse> =>
    headers ? rawPost(h, query, { role: 'CUSTOMER', sub, variables, headers }) : h.graphql(query, { role: 'CUSTOMER', sub, variables });
}

/** A POST with extra headers (Sec-GPC), which harness.graphql does not send. */
export async function rawPost(h: Harness, query: string, o: { role: string; sub?: string; purpose?: string; variables?: Record<string, unknown>; headers: Record<string, string> }): Promise<GraphQLResponse> {
  const { PURPOSE_OF } = await import('./harness');
  const token = await h.token(o.role, { sub: o.sub });
  const res = await fetch(h.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': o.purpose ?? PURPOSE_OF[o.role], ...o.headers },
    body: JSON.stringify({ query, variables: o.variables }),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

export const CHANGE_REQUEST = 'id status needsReview changes { field from to } problems { field message }';
export const PROPOSE = `mutation($input: ProfileChangeInput!) { proposeProfileChange(input: $input) { ${CHANGE_REQUEST} } }`;
export const CONFIRM = `mutation($id: ID!) { confirmProfileChange(id: $id) { ${CHANGE_REQUEST} } }`;
