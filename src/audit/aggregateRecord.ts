// The access-log record of an aggregate answer (outcome AGGREGATE). It is
// written by the resolver, inside the transaction that also spends the
// caller's ε and stores the released cells, and committed before the
// resolver returns: the answer, the budget and the log stand or fall
// together. It names no customer: detail says what was asked and how much
// was released (dimensions, measures, filter, k, groups, customers covered,
// ε), and the chain's canonical form covers detail like any other record.

import type { Knex } from 'knex';
import { detailOf, type AccessContext } from './accessContext';

export interface AggregateDetail {
  aggregate: {
    field: string;
    dimensions: string[];
    measures: string[];
    filter: Record<string, string>;
    k: number;
    groupsReturned: number;
    groupsSuppressed: number;
    /** Withheld because an earlier answer today would have given their difference away. */
    groupsWithheldByAudit: number;
    customersCovered: number;
    consentedOnly: boolean;
    epsilonSpent: number;
  };
}

export async function writeAggregateRecord(trx: Knex.Transaction, ctx: AccessContext, detail: AggregateDetail): Promise<void> {
  await trx.raw(
    `INSERT INTO access_log (request_id, app, principal, role, purpose, view, outcome, detail)
     VALUES (?, ?, ?, ?, ?, ?, 'AGGREGATE', ?)`,
    [ctx.requestId, ctx.app, ctx.principal, ctx.role, ctx.purpose, ctx.view, JSON.stringify(detailOf(ctx, { ...detail }))],
  );
}
