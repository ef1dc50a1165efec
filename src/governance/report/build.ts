// Assembles a privacy report: the chain head first (every log figure covers
// records up to it), then the chain check, the log figures, the database's
// state, and the schema's facts.

import type { Knex } from 'knex';
import type { KeyObject } from 'node:crypto';
import { checkWholeChain, type ChainCheck, type VerifiedChain } from '../../audit/verifiedChain';
import type { ReportFacts } from './facts';
import { logFigures, readChainHead, type Period } from './gatherLog';
import { noticeFigures, optOutFigures, pendingRequests, warehouse } from './gatherState';
import { REPORT_FORMAT, type ChainHead, type ChainStatus, type PrivacyReport, type ReportAudience } from './types';

export interface ReportRequest {
  period: Period;
  audience: ReportAudience;
  /** Public keys retention checkpoints are checked with (as audit:verify). */
  retentionKeys?: readonly KeyObject[];
  /** The server's knowledge of the chain: only records written since its last check are read. Without it (the command line), the whole log is checked. */
  chain?: VerifiedChain;
  now?: Date;
}

export async function buildPrivacyReport(db: Knex, facts: ReportFacts, request: ReportRequest): Promise<PrivacyReport> {
  const generatedAt = request.now ?? new Date();
  const head = await readChainHead(db);
  const chain = chainStatus(head, await (request.chain ? request.chain.check() : checkWholeChain(db, request.retentionKeys)));
  return {
    format: REPORT_FORMAT,
    audience: request.audience,
    period: { from: request.period.from.toISOString(), to: request.period.to.toISOString() },
    generatedAt: generatedAt.toISOString(),
    chain,
    dataModel: facts.dictionary,
    warehouse: await warehouse(db),
    exposure: facts.exposure,
    log: await logFigures(db, request.period, head, facts.classOf),
    optOuts: await optOutFigures(db, request.period),
    pending: await pendingRequests(db, request.audience === 'OFFICER'),
    notice: await noticeFigures(db, request.audience === 'OFFICER'),
  };
}

function chainStatus(head: ChainHead, check: ChainCheck): ChainStatus {
  // The check also covers records written after `head`; a break there leaves everything up to it good.
  const through = BigInt(check.verifiedThroughSeq) > BigInt(head.seq) ? head.seq : check.verifiedThroughSeq;
  return {
    head,
    verified: check.ok,
    mode: check.mode,
    checked: check.checked,
    checkedAfterSeq: check.checkedAfterSeq,
    fullyVerifiedAt: check.fullyVerifiedAt?.toISOString() ?? null,
    verifiedThroughSeq: through,
    prunedThroughSeq: check.prunedThroughSeq,
    firstBreak: check.firstBreak ? check.firstBreak.message : null,
  };
}
