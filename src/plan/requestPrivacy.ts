// The privacy state of one request: the caller's decision context, the field
// plans (computed on first use, then reused for every row), the value
// transforms, and the recorder that feeds the access log.

import type { Catalog } from '../../directives/catalog';
import { AccessRecorder } from '../audit/accessRecorder';
import { anonymizeValue, maskValue } from '../masking';
import type { DecisionContext } from '../policy/decide';
import type { Decision, Mask, Anonymizer } from '../policy/vocabulary';
import { planField, type FieldPlan } from './fieldPlan';
import type { Subject } from './subject';

export class RequestPrivacy {
  private readonly plans = new Map<string, FieldPlan>();

  constructor(
    private readonly catalog: Catalog,
    readonly context: DecisionContext,
    private readonly pseudonymKey: Uint8Array,
    readonly recorder: AccessRecorder = new AccessRecorder(),
  ) {}

  plan(coordinate: string): FieldPlan {
    let plan = this.plans.get(coordinate);
    if (!plan) {
      const policy = this.catalog.fields.get(coordinate);
      // The catalog refuses unclassified fields at start-up; reaching this
      // means a wrapper was installed on a field the catalog does not know.
      if (!policy) throw new Error(`no classification for ${coordinate}`);
      plan = planField(policy, this.context);
      this.plans.set(coordinate, plan);
    }
    return plan;
  }

  hasField(coordinate: string): boolean {
    return this.catalog.fields.has(coordinate);
  }

  /** Whether any field of a type is decided differently per customer in this request. */
  anyVaries(typeName: string): boolean {
    for (const coordinate of this.catalog.fields.keys()) {
      if (coordinate.startsWith(`${typeName}.`) && !this.plan(coordinate).uniform) return true;
    }
    return false;
  }

  /** Decides one field of one customer and records the access. */
  decide(coordinate: string, subject: Subject): Decision {
    const plan = this.plan(coordinate);
    const decision = plan.uniform || !subject.sensitiveDataUseOptedOut ? plan.consented : plan.optedOut;
    this.recorder.record(subject.id, coordinate, decision);
    return decision;
  }

  transform(decision: Decision, value: unknown): unknown {
    switch (decision.action) {
      case 'CLEAR':
        return value;
      case 'OMITTED':
        return null;
      case 'MASKED':
        return maskValue(decision.strategy as Mask, value);
      case 'ANONYMIZED':
        return anonymizeValue(decision.strategy as Anonymizer, value, this.pseudonymKey);
    }
  }
}
