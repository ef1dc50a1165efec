// Assembles a privacy report: the chain head first (every log figure covers
// records up to it), then the chain check, the log figures, the database's
// state, and the schema's facts.

import type { Knex } from 'knex';
import type { KeyObject } from 'node:crypto';
import { verifyAccessLog } from '../../audit/chainAudit';
import type { ReportFacts } from './facts';
import { logFigures, readChainHead, type Period } from './gatherLog';
import { noticeFigures, optOutFigures, pendingRequests, warehouse } from './gatherState';
import { REPORT_FORMAT, type ChainHead, type ChainStatus, type PrivacyReport, type ReportAudience } from './types';

export interface ReportRequest {
  period: Period;
  audience: ReportAudience;
  /** Public keys retention checkpoints are checked with (as audit:verify). */
  retentionKeys?: readonly KeyObject[];
  now?: Date;
}

export async function buildPrivacyReport(db: Knex, facts: ReportFacts, request: ReportRequest): Promise<PrivacyReport> {
  const generatedAt = request.now ?? new Date();
  const head = await readChainHead(db);
  const chain = await chainStatus(db, head, request.retentionKeys);
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

async function chainStatus(db: Knex, head: ChainHead, retentionKeys?: readonly KeyObject[]): Promise<ChainStatus> {
  const result = await verifyAccessLog(db, { retentionKeys });
  const breakSeq = result.firstBreak?.seq ?? null;
  // Verification also covers records written after `head`; a break there leaves everything up to it good.
  const verifiedThroughSeq = result.ok ? head.seq : breakSeq === null ? '0' : (BigInt(breakSeq) - 1n).toString();
  return {
    head,
    verified: result.ok,
    checked: result.checked,
    verifiedThroughSeq: BigInt(verifiedThroughSeq) > BigInt(head.seq) ? head.seq : verifiedThroughSeq,
    prunedThroughSeq: result.prunedThrough,
    firstBreak: result.firstBreak ? result.firstBreak.message : null,
  };
}
