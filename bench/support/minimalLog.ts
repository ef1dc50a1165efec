// A bench-only access log that commits the least a durable record can be: one
// small row (the request id) in a table of its own, no chain, no index, no
// customer ids. It keeps everything else about the real log's timing: it
// writes only when the request read customer data, it is awaited before the
// response is sent (the response gate) and it reports when its statement is
// handed over, so the INSERT overlaps the answer's building as privql's does.
// Measured beside privql with no log at all, it is the floor any per-request
// commit puts under the one-connection latency, whatever the record holds.

import type { Knex } from 'knex';
import type { AccessLog } from '../../src/audit/accessLogWriter';

export const MINIMAL_LOG_TABLE = 'bench_minimal_log';

export async function minimalLog(knex: Knex): Promise<AccessLog> {
  await knex.raw(`CREATE TABLE IF NOT EXISTS ${MINIMAL_LOG_TABLE} (request_id uuid NOT NULL)`);
  return {
    async writeRequest(ctx, recorder, onSent) {
      if (recorder.isEmpty) return;
      const insert = knex.raw(`INSERT INTO ${MINIMAL_LOG_TABLE} (request_id) VALUES (?)`, [ctx.requestId]);
      if (onSent) insert.once('query', onSent);
      await insert;
    },
    writeDenied: async () => undefined,
  };
}
