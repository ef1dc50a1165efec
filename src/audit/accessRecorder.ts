// Collects, during execution, what each customer's fields were returned as.
// Nothing is written here: the records are committed in one statement when
// execution ends (AccessLogWriter), before the response is released.

import type { Action, Decision } from '../policy/vocabulary';
import type { ExclusionScope } from '../data/customerQueries';

export interface WithheldSummary {
  field: string;
  action: Exclude<Action, 'CLEAR'>;
  strategy: string | null;
  reason: string;
  /** How many customers' values this applied to. */
  customers: number;
}

export class AccessRecorder {
  private readonly bySubject = new Map<string, Map<string, Action>>();
  // coordinate|action|strategy|reason -> subjects, for extensions.privacy
  private readonly withheld = new Map<string, { summary: WithheldSummary; subjects: Set<string> }>();

  /** Where opted-out customers were filtered out; resolved to ids in SQL when the log is written. */
  readonly exclusions: ExclusionScope[] = [];
  /** Root fields refused by a permission rule in this request. */
  readonly denied: Array<{ path: string; code: string; reason?: string }> = [];

  record(subjectId: string, coordinate: string, decision: Decision): void {
    let fields = this.bySubject.get(subjectId);
    if (!fields) this.bySubject.set(subjectId, (fields = new Map()));
    fields.set(coordinate, decision.action);
    if (decision.action === 'CLEAR') return;
    const key = `${coordinate}|${decision.action}|${decision.strategy}|${decision.reason}`;
    let entry = this.withheld.get(key);
    if (!entry) {
      entry = {
        summary: { field: coordinate, action: decision.action, strategy: decision.strategy, reason: decision.reason, customers: 0 },
        subjects: new Set(),
      };
      this.withheld.set(key, entry);
    }
    entry.subjects.add(subjectId);
  }

  get isEmpty(): boolean {
    return this.bySubject.size === 0 && this.exclusions.length === 0 && this.denied.length === 0;
  }

  get subjectIds(): string[] {
    return [...this.bySubject.keys()];
  }

  /**
   * Customers grouped by identical field actions (in a list, most customers
   * share them), with field names sorted, so the stored JSON is compact and
   * the same access always serializes the same way.
   */
  accessGroups(): Array<{ fields: Record<string, Action>; subjects: string[] }> {
    const groups = new Map<string, { fields: Record<string, Action>; subjects: string[] }>();
    for (const [subjectId, fieldMap] of this.bySubject) {
      const fields = Object.fromEntries([...fieldMap].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const key = JSON.stringify(fields);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { fields, subjects: [] }));
      group.subjects.push(subjectId);
    }
    return [...groups.values()];
  }

  withheldSummary(): WithheldSummary[] {
    return [...this.withheld.values()]
      .map(({ summary, subjects }) => ({ ...summary, customers: subjects.size }))
      .sort((a, b) => a.field.localeCompare(b.field) || a.action.localeCompare(b.action));
  }
}
