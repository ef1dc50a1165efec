// Commits a request's access records in one INSERT: one chained record per
// request. The ids of customers an opt-out excluded are selected inside that
// same statement, so they never leave the database. The caller awaits this
// before the response is released: if it throws, no customer data leaves.

import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { excludedIdsSql } from '../data/exclusionQuery';
import { detailOf, type AccessContext } from './accessContext';
import type { AccessRecorder } from './accessRecorder';

export type { AccessContext };

/** What the server needs from the log; the benchmark swaps in one that writes nothing. */
export interface AccessLog {
  /** Resolves once the record is committed; `onSent` is called when its statement has been handed to the database. */
  writeRequest(ctx: AccessContext, recorder: AccessRecorder, onSent?: () => void): Promise<void>;
  writeDenied(ctx: AccessContext, detail: Record<string, unknown>): Promise<void>;
}

/** Distinct INSERT texts run as prepared statements (see `prepared`). */
const MAX_PREPARED = 32;

export interface WriterOptions {
  /**
   * Server databases only: run the record's INSERT as a prepared statement
   * (the embedded database's driver has no named statements).
   */
  prepared?: boolean;
  /**
   * Server databases only: give up on a write after this long (a locked or
   * stalled log table), so the request fails closed instead of hanging.
   * The embedded database has one connection and nothing else to wait for.
   */
  timeoutMs?: number;
}

export class AccessLogWriter implements AccessLog {
  constructor(
    private readonly db: Knex,
    private readonly options: WriterOptions = {},
  ) {}

  async writeRequest(ctx: AccessContext, recorder: AccessRecorder, onSent?: () => void): Promise<void> {
    if (recorder.isEmpty) return;
    const subjectIds = recorder.subjectIds;
    const reads = recorder.answersAboutCustomers;
    const excluded = recorder.exclusions.length > 0 ? excludedIdsSql(this.db, recorder.exclusions) : null;
    // Raw SQL: this runs on every request, and skipping the insert builder's
    // per-call compilation measurably shortens it on a server.
    const sql = `INSERT INTO access_log (request_id, app, principal, role, purpose, view, outcome, subject_ids, excluded_ids, accesses, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?::uuid[], ${excluded ? `ARRAY(${excluded.sql})` : `'{}'`}, ?, ?)`;
    const insert = this.db.raw(
      sql,
      [
        ctx.requestId, ctx.app, ctx.principal, ctx.role, ctx.purpose, ctx.view,
        reads ? 'READ' : 'DENIED',
        `{${subjectIds.join(',')}}`,
        ...(excluded ? excluded.bindings : []),
        JSON.stringify(recorder.accessGroups()),
        JSON.stringify(
          detailOf(ctx, {
            ...(recorder.denied.length > 0 ? { denied: recorder.denied } : {}),
            ...(recorder.logReads.length > 0 ? { accessLogReads: recorder.logReads } : {}),
            ...(recorder.compared.length > 0 ? { compared: [...recorder.compared].sort() } : {}),
          }),
        ),
      ],
    );
    if (this.options.prepared) this.prepared(insert, sql);
    if (onSent) insert.once('query', onSent);
    await this.bounded(insert);
  }

  private readonly statementNames = new Map<string, string>();

  /**
   * Runs `query` as a named prepared statement, so PostgreSQL plans it once
   * per connection instead of on every request (planning the record's INSERT
   * with an exclusion subquery took about 1 ms, longer than running it). The
   * name is a digest of the exact SQL text: a name is never reused for other
   * text (knex's, with `?` for the bindings: the statement's text follows
   * from it). Only the first MAX_PREPARED texts are prepared (filters make
   * texts without bound), so each connection keeps a bounded set.
   */
  private prepared(query: Knex.Raw, sql: string): void {
    let name = this.statementNames.get(sql);
    if (!name && this.statementNames.size < MAX_PREPARED) {
      name = `privql_log_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
      this.statementNames.set(sql, name);
    }
    if (name) query.options({ name });
  }

  async writeDenied(ctx: AccessContext, detail: Record<string, unknown>): Promise<void> {
    await this.bounded(this.db('access_log').insert({ ...columns(ctx), outcome: 'DENIED', detail: JSON.stringify(detailOf(ctx, detail)) }));
  }

  private bounded<Q extends Knex.QueryBuilder | Knex.Raw>(query: Q): Q {
    return this.options.timeoutMs ? (query.timeout(this.options.timeoutMs, { cancel: true }) as Q) : query;
  }
}

function columns(ctx: AccessContext) {
  return {
    request_id: ctx.requestId,
    app: ctx.app,
    principal: ctx.principal,
    role: ctx.role,
    purpose: ctx.purpose,
    view: ctx.view,
  };
}
