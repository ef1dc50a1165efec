// One candidate's equivalence classes, counted by one GROUP BY in the
// database: how many customers a release at these levels would leave out
// (classes smaller than k) and the smallest class it would keep.

import type { Knex } from 'knex';
import type { AnonymityPolicy } from '../policy/anonymity';
import { BASE_TABLE } from './baseTable';
import { releaseColumns, type LevelVector } from './levelSql';
import type { Evaluation } from './search';

/** GROUP BY of the class key; no key at all (everything suppressed) is one class of everyone. */
export function groupByKeys(keys: readonly string[]): string {
  return keys.length > 0 ? keys.join(', ') : '()';
}

export function classSizesSql(policy: AnonymityPolicy, levels: LevelVector): string {
  const { keys } = releaseColumns(policy, levels);
  const k = policy.k;
  return `
    SELECT coalesce(sum(g.n) FILTER (WHERE g.n < ${k}), 0)::int AS suppressed,
           min(g.n) FILTER (WHERE g.n >= ${k})::int AS achieved_k
      FROM (SELECT count(*) AS n FROM ${BASE_TABLE} b GROUP BY ${groupByKeys(keys)}) g
     WHERE g.n > 0`;
}

export function classSizes(trx: Knex.Transaction, policy: AnonymityPolicy): (levels: LevelVector) => Promise<Evaluation> {
  return async (levels) => {
    const { rows } = (await trx.raw(classSizesSql(policy, levels))) as { rows: Array<{ suppressed: number; achieved_k: number | null }> };
    return { suppressed: rows[0]!.suppressed, achievedK: rows[0]!.achieved_k };
  };
}
