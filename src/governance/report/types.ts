// The privacy report's shape (issue 9, part 3). Every figure is a count, a
// rate or a name of a field, view, role, purpose or application: no customer
// value, except the officer's pending-request lists (request id, customer id,
// field names, when) — the auditor's report has counts there instead.

import type { DictionaryEntry } from '../dataDictionary';
import type { ExposureMatrix } from '../exposureMatrix';

export const REPORT_FORMAT = 'privql-privacy-report-v1';

export type ReportAudience = 'OFFICER' | 'AUDITOR';

/** Where the log's chain stood when the report was computed: its figures cover records up to `seq`. */
export interface ChainHead {
  seq: string;
  hash: string;
}

export interface ChainStatus {
  head: ChainHead;
  /** False when the chain is broken, and while no full check has completed (PENDING). */
  verified: boolean;
  /**
   * What `verified` rests on. FULL: every remaining record was checked for
   * this report (the command line). INCREMENTAL: only the records after
   * `checkedAfterSeq`; those up to it were found good by the server's earlier
   * checks, the whole log last at `fullyVerifiedAt` (src/audit/verifiedChain.ts).
   * PENDING: the server's first full check has not completed; nothing is claimed.
   */
  mode: 'FULL' | 'INCREMENTAL' | 'PENDING';
  /** Records this report's check read. */
  checked: number;
  checkedAfterSeq: string | null;
  /** ISO time the whole remaining log was last found good; null before that happened. */
  fullyVerifiedAt: string | null;
  /** The last record known good: the head when verified, the one before the first break otherwise. */
  verifiedThroughSeq: string;
  prunedThroughSeq: string | null;
  firstBreak: string | null;
}

export interface UsageCount {
  key: string;
  requests: number;
  /** Customer entries returned (one customer in one request counts once). */
  customerRecords: number;
  /** Field values returned in any form (clear, masked, anonymized). */
  values: number;
}

export interface CategoryValues {
  category: string;
  values: number;
}

export interface ApplicationUsage {
  app: string;
  roles: string[];
  purposes: string[];
  views: string[];
  /** identity, personal, sensitive: field values returned of that class. */
  categories: CategoryValues[];
  requests: number;
  /** Distinct customers whose data the application received. */
  customers: number;
  customerRecords: number;
  excludedRecords: number;
  deniedRequests: number;
}

export interface CategoryUsage {
  category: string;
  clear: number;
  masked: number;
  anonymized: number;
  omitted: number;
  /** Field changes through self-service or review. */
  changed: number;
}

export interface DayUsage {
  day: string;
  purpose: string;
  requests: number;
  customerRecords: number;
}

export interface DeniedCount {
  code: string;
  reason: string;
  requests: number;
}

export interface ExclusionCount {
  purpose: string;
  view: string;
  requests: number;
  /** Customer entries left out of results. */
  records: number;
  customers: number;
}

export interface LogReadCount {
  app: string;
  role: string;
  requests: number;
  entriesReturned: number;
}

/** Everything the report says that is computed from the access log alone: what report:verify recomputes. */
export interface LogFigures {
  /** Log records in the period, up to the head. */
  records: number;
  applications: ApplicationUsage[];
  byPurpose: UsageCount[];
  byRole: UsageCount[];
  byCategory: CategoryUsage[];
  byDay: DayUsage[];
  denied: DeniedCount[];
  exclusions: ExclusionCount[];
  logReads: LogReadCount[];
}

export interface WarehouseTable {
  name: string;
  /** Null when the role the report runs as may not read the table. */
  rows: number | null;
}

export interface WarehouseView {
  view: string;
  schema: string;
  databaseRole: string;
  role: string;
  purpose: string;
  fromRelease: boolean;
  pseudonymsFor: string | null;
  installed: boolean;
}

export interface OptOutRate {
  kind: string;
  optedOut: number;
  /** optedOut / active customers; for SENSITIVE_DATA_USE the consent rate is 1 − rate. */
  rate: number;
}

export interface OptOutDay {
  day: string;
  kind: string;
  optedOut: number;
  optedIn: number;
}

export interface OptOutFigures {
  activeCustomers: number;
  current: OptOutRate[];
  /** Changes per day within the period, from the opt-out history (proof of consent). */
  trend: OptOutDay[];
}

export interface PendingRequest {
  kind: 'CHANGE' | 'ERASURE';
  id: string;
  customerId: string;
  /** Field names only, never the values proposed. */
  fields: string[];
  since: string;
}

export interface PendingRequests {
  changeRequests: number;
  erasureRequests: number;
  oldestChangeRequest: string | null;
  oldestErasureRequest: string | null;
  /** The officer's list (at most PENDING_LIST_LIMIT of each kind, oldest first); absent for auditors. */
  list: PendingRequest[] | null;
}

export interface NoticeFigures {
  version: number;
  effectiveAt: string;
  notified: number;
  acknowledged: number;
  notAcknowledged: number;
  /** The officer's list of active customers who have not acknowledged it (at most NOT_ACKNOWLEDGED_LIST_LIMIT, by customer id); null for auditors. */
  notAcknowledgedCustomers: string[] | null;
}

export interface PrivacyReport {
  format: typeof REPORT_FORMAT;
  audience: ReportAudience;
  period: { from: string; to: string };
  generatedAt: string;
  chain: ChainStatus;
  dataModel: DictionaryEntry[];
  warehouse: { tables: WarehouseTable[]; views: WarehouseView[] };
  exposure: ExposureMatrix;
  log: LogFigures;
  optOuts: OptOutFigures;
  pending: PendingRequests;
  /** Null before any notice version was published (or where notices are not installed). */
  notice: NoticeFigures | null;
}

export interface ReportSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** Base64 Ed25519 signature over the canonical JSON of the report without this field. */
  value: string;
}

export type SignedReport = PrivacyReport & { signature?: ReportSignature };
