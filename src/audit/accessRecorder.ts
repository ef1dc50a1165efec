// Collects, during execution, what each customer's fields were returned as.
// Nothing is written here: the records are committed in one statement when
// execution ends (AccessLogWriter), before the response is released.

import type { Action, Decision } from '../policy/vocabulary';

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
    return this.bySubject.size === 0;
  }

  /** One entry per customer: field coordinate -> action. */
  subjects(): Array<{ subjectId: string; fields: Record<string, Action> }> {
    return [...this.bySubject].map(([subjectId, fields]) => ({ subjectId, fields: Object.fromEntries(fields) }));
  }

  withheldSummary(): WithheldSummary[] {
    return [...this.withheld.values()]
      .map(({ summary, subjects }) => ({ ...summary, customers: subjects.size }))
      .sort((a, b) => a.field.localeCompare(b.field) || a.action.localeCompare(b.action));
  }
}
