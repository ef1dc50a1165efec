// Two servers on one database, one compiling the hot queries (graphql-jit on
// released rows) and one interpreting every operation with graphql-js, asked
// the same requests: their answers must be byte for byte the same (status,
// data, errors, extensions; the request id and sealed cursors aside), and so
// must the access-log records the two requests wrote.

import { startPrivqlServer, type PrivqlServer } from '../../src/server/app';
import { compiledRuns } from '../../src/server/compiledExecution';
import { PURPOSE_OF, startHarness, type Harness } from './harness';

export interface Ask {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  role?: string;
  purpose?: string | null;
}

export interface TwoExecutors {
  h: Harness;
  interpreted: PrivqlServer;
  post(url: string, ask: Ask): Promise<{ text: string; requestId?: string }>;
  /** Asks both; expects the same answer and record, and `compiled` runs (0 or 1) on the compiled server when given. Returns the compiled answer. */
  expectSameAnswer(ask: Ask, compiled?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startTwoExecutors(customers: number): Promise<TwoExecutors> {
  const h = await startHarness({ customers });
  const interpreted = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, execution: 'graphql-js' });
  const post: TwoExecutors['post'] = async (url, ask) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (ask.role) headers.authorization = `Bearer ${await h.token(ask.role)}`;
    const purpose = ask.purpose !== undefined ? ask.purpose : ask.role ? PURPOSE_OF[ask.role] : null;
    if (purpose) headers['x-purpose'] = purpose;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: ask.query, variables: ask.variables, operationName: ask.operationName }) });
    const body = await res.text();
    const requestId = /"requestId":"([^"]+)"/.exec(body)?.[1];
    return { text: `${res.status} ${body}`, requestId };
  };
  /** The request's log record without what differs per request (its place in the chain, time and id). */
  const record = async (requestId: string | undefined): Promise<unknown> => {
    if (!requestId) return undefined;
    const rows = await h.db.knex('access_log').where({ request_id: requestId }).orderBy('seq');
    return rows.map(({ seq: _seq, at: _at, request_id: _id, prev_hash: _prev, hash: _hash, ...rest }) => rest);
  };
  return {
    h,
    interpreted,
    post,
    async expectSameAnswer(ask, compiled) {
      const before = compiledRuns.count;
      const fast = await post(h.server.url, ask);
      const ran = compiledRuns.count - before;
      const plain = await post(interpreted.url, ask);
      if (compiled !== undefined) expect(ran).toBe(compiled);
      expect(comparable(fast.text)).toBe(comparable(plain.text));
      expect(await record(fast.requestId)).toEqual(await record(plain.requestId));
      return fast.text;
    },
    async close() {
      await interpreted.stop();
      await h.close();
    },
  };
}

// The request id differs per request by design, and so does a cursor (each is
// sealed afresh): everything else must not.
function comparable(text: string): string {
  return text.replace(/"requestId":"[^"]*"/g, '"requestId":"-"').replace(/"(cursor|endCursor)":"[^"]*"/g, '"$1":"-"');
}
