// report:verify's checks: the signature, and with database access, that the
// log still holds the record the report's chain head names (same hash), that
// the chain is unbroken up to it, and that the log figures recomputed from
// the records up to that head are the report's. Records written after the
// head are ignored, so a report stays verifiable while the log grows.

import type { KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import { verifyAccessLog } from '../../audit/chainAudit';
import type { ClassOf } from './logTally';
import { firstRemainingSeq, logFigures, recordHash } from './gatherLog';
import { canonicalJson, checkReportSignature } from './signature';
import { REPORT_FORMAT, type SignedReport } from './types';

export interface Check {
  name: string;
  ok: boolean;
  message: string;
}

export interface VerifyDatabase {
  db: Knex;
  classOf: ClassOf;
  retentionKeys?: readonly KeyObject[];
}

/** Every check, in order; the report verifies when all pass. */
export async function verifyReport(report: SignedReport, keys: readonly KeyObject[], database?: VerifyDatabase): Promise<Check[]> {
  if (report.format !== REPORT_FORMAT) return [{ name: 'format', ok: false, message: `not a privql privacy report (format ${JSON.stringify(report.format)}, expected ${REPORT_FORMAT})` }];
  const signature = checkReportSignature(report, keys);
  const checks: Check[] = [{ name: 'signature', ok: signature.ok, message: signature.ok ? `signed with key ${signature.keyId}` : signature.message }];
  if (!database) return checks;
  const { db } = database;
  const head = report.chain.head;
  if (head.seq !== '0') {
    const first = await firstRemainingSeq(db);
    const hash = await recordHash(db, head.seq);
    if (hash === null) {
      const pruned = first !== null && BigInt(first) > BigInt(head.seq);
      checks.push({ name: 'chain head', ok: false, message: pruned ? `record ${head.seq} was pruned past retention: the figures can no longer be recomputed` : `record ${head.seq} is missing from the log` });
      return checks;
    }
    checks.push({ name: 'chain head', ok: hash === head.hash, message: hash === head.hash ? `record ${head.seq} still has hash ${head.hash}` : `record ${head.seq} now has hash ${hash}, the report names ${head.hash}` });
  }
  const chain = await verifyAccessLog(db, { retentionKeys: database.retentionKeys });
  const breakSeq = chain.firstBreak?.seq ?? null;
  const intact = chain.ok || (breakSeq !== null && BigInt(breakSeq) > BigInt(head.seq));
  checks.push({ name: 'chain', ok: intact, message: intact ? `unbroken up to record ${head.seq}` : `broken: ${chain.firstBreak?.message ?? 'unknown'}` });
  const period = { from: new Date(report.period.from), to: new Date(report.period.to) };
  const recomputed = await logFigures(db, period, head, database.classOf);
  const differences = differingPaths(report.log, recomputed, 'log');
  checks.push({
    name: 'log figures',
    ok: differences.length === 0,
    message: differences.length === 0 ? `recomputed from ${recomputed.records} records up to ${head.seq}: identical` : `differ from the log at ${differences.slice(0, 20).join(', ')}${differences.length > 20 ? ` and ${differences.length - 20} more` : ''}`,
  });
  return checks;
}

/** The paths at which two JSON values differ (a whole array when its length differs). */
export function differingPaths(a: unknown, b: unknown, path: string): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => differingPaths(x, b[i], `${path}[${i}]`));
  if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], `${path}.${k}`));
  }
  return [path];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
