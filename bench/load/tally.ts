// Reads every response of a load run as it arrives: counts it by HTTP status
// and extensions.code, notes what its access record must say, and checks
// what can be checked on the spot without the database — that no role got
// more than its view allows. Nothing here prints a customer value.

import type { LoadRequest } from './callers';

/** The seeded customers' real identifiers: none may reach a pseudonymized view. */
export interface Identities {
  ids: ReadonlySet<string>;
  namesAndEmails: ReadonlySet<string>;
}

/** A response that carried customer records, and how many customers. */
export interface Served {
  name: string;
  requestId: string | undefined;
  customers: number;
}

const PSEUDONYMIZED = new Set(['PARTNER', 'ANALYST']);
const SEES_SENSITIVE = new Set(['OFFICER', 'CUSTOMER']);
const SENSITIVE_FIELDS = ['religion', 'ethnicity'];

type Body = { data?: Record<string, any> | null; errors?: Array<{ extensions?: { code?: string } }>; extensions?: { requestId?: string } };

export class Tally {
  /** "200 ok", "403 FORBIDDEN", ...: how many responses of each. */
  readonly responses = new Map<string, number>();
  readonly served: Served[] = [];
  /** Responses with access-log entries (OFFICER, AUDITOR). */
  readonly logReads: Array<{ requestId: string | undefined }> = [];
  readonly violations = new Map<string, { count: number; example: string }>();
  /** 5xx other than AUDIT_UNAVAILABLE, the one deliberate server-side refusal. */
  serverErrors = 0;

  constructor(private readonly real: Identities) {}

  record(req: LoadRequest, status: number, text: string): void {
    let body: Body | undefined;
    try {
      body = JSON.parse(text) as Body;
    } catch {
      body = undefined;
    }
    const code = body ? (body.errors?.[0]?.extensions?.code ?? (body.errors ? 'no code' : 'ok')) : 'not JSON';
    const key = `${status} ${code}`;
    this.responses.set(key, (this.responses.get(key) ?? 0) + 1);
    if (status >= 500 && code !== 'AUDIT_UNAVAILABLE') this.serverErrors++;
    const data = body?.data ?? null;
    const requestId = body?.extensions?.requestId;
    const where = `${req.name}, request ${requestId ?? '(no id)'}`;

    if (req.expect === 'refused') {
      if (data && Object.values(data).some((v) => v !== null)) this.violation('a refused request returned data', where);
      return;
    }
    if (data?.accessLog?.nodes) {
      this.logReads.push({ requestId });
      if (req.caller.role === 'AUDITOR' && data.accessLog.nodes.some((n: { subjectId?: string }) => n.subjectId && this.real.ids.has(n.subjectId))) {
        this.violation('an auditor saw a real customer id', where);
      }
    }
    const records = customerRecords(data);
    if (records.length === 0) return;
    this.served.push({ name: req.name, requestId, customers: new Set(records.map((r) => r.id)).size });
    this.checkRecords(req, records, where);
  }

  private checkRecords(req: LoadRequest, records: Array<Record<string, unknown>>, where: string): void {
    const { role, sub } = req.caller;
    for (const record of records) {
      if (PSEUDONYMIZED.has(role)) {
        if (typeof record.id === 'string' && this.real.ids.has(record.id)) this.violation(`${role} got a real customer id`, where);
        if (Object.values(record).some((v) => typeof v === 'string' && this.real.namesAndEmails.has(v))) this.violation(`${role} got a real name or email`, where);
      }
      if (!SEES_SENSITIVE.has(role) && SENSITIVE_FIELDS.some((f) => record[f] !== null && record[f] !== undefined)) {
        this.violation(`${role} got a sensitive value`, where);
      }
      if (role === 'CUSTOMER' && record.id !== sub) this.violation("a customer got another customer's record", where);
    }
  }

  private violation(kind: string, example: string): void {
    const v = this.violations.get(kind);
    if (v) v.count++;
    else this.violations.set(kind, { count: 1, example });
  }
}

function customerRecords(data: Record<string, any> | null): Array<Record<string, unknown>> {
  if (!data) return [];
  if (Array.isArray(data.customers?.nodes)) return data.customers.nodes;
  return [data.customer, data.me].filter((r) => r !== null && r !== undefined);
}
