// The privacy state of one request: the caller's decision context, the field
// plans (computed on first use, then reused for every row), the value
// transforms, and the recorder that feeds the access log.

import type { Path } from 'graphql/jsutils/Path';
import type { Catalog } from '../../directives/catalog';
import { AccessRecorder, type FieldUse } from '../audit/accessRecorder';
import { anonymizeValue, maskValue } from '../masking';
import type { DecisionContext } from '../policy/decide';
import type { Decision, FieldPolicy, Mask, Anonymizer } from '../policy/vocabulary';
import { planField, type FieldPlan } from './fieldPlan';
import { ID_ORDER, keyedOrder, orderKeyFor, type RecipientOrder } from './recipientOrder';
import type { Subject } from './subject';
import { releaseScopedId } from '../anonymity/releaseEpoch';

const GENERALIZING: ReadonlySet<Anonymizer> = new Set<Anonymizer>(['BAND', 'PREFIX', 'YEAR']);

/** One field's decisions in this request, with the recording of each use. */
export interface FieldDecider {
  readonly plan: FieldPlan;
  /**
   * Decides the field for one customer and records the access; `path` (where
   * the value goes in the response) is kept when the decision varies by
   * customer, so extensions.privacy can say which values it applies to.
   */
  decide(subject: Subject, path?: Path): Decision;
}

export class RequestPrivacy {
  private readonly deciders = new Map<string, FieldDecider>();

  constructor(
    private readonly catalog: Catalog,
    readonly context: DecisionContext,
    private readonly pseudonymKey: Uint8Array,
    readonly recorder: AccessRecorder = new AccessRecorder(),
  ) {}

  plan(coordinate: string): FieldPlan {
    return this.decider(coordinate).plan;
  }

  /** The field's decider, made on first use (its plan is computed and its use recorded from then on). */
  decider(coordinate: string): FieldDecider {
    let decider = this.deciders.get(coordinate);
    if (!decider) {
      const policy = this.catalog.fields.get(coordinate);
      // The catalog refuses unclassified fields at start-up; reaching this
      // means a wrapper was installed on a field the catalog does not know.
      if (!policy) throw new Error(`no classification for ${coordinate}`);
      decider = fieldDecider(planField(policy, this.context), this.recorder, coordinate);
      this.deciders.set(coordinate, decider);
    }
    return decider;
  }

  private recipientOrder: RecipientOrder | undefined;

  /**
   * The order this caller's lists come in: real-id order only for a caller
   * who sees ids in clear, an order private to the application otherwise.
   */
  get order(): RecipientOrder {
    this.recipientOrder ??= this.plan('Customer.id').consented.action === 'CLEAR' ? ID_ORDER : keyedOrder(orderKeyFor(this.pseudonymKey));
    return this.recipientOrder;
  }

  hasField(coordinate: string): boolean {
    return this.catalog.fields.has(coordinate);
  }

  /** A field's classification, without deciding it for this request (nothing is recorded). */
  classification(coordinate: string): FieldPolicy | undefined {
    return this.catalog.fields.get(coordinate);
  }

  /** Whether any field of a type is decided differently per customer in this request. */
  anyVaries(typeName: string): boolean {
    for (const coordinate of this.catalog.fields.keys()) {
      if (coordinate.startsWith(`${typeName}.`) && !this.plan(coordinate).uniform) return true;
    }
    return false;
  }

  /** Decides one field of one customer and records the access (FieldDecider.decide). */
  decide(coordinate: string, subject: Subject, path?: Path): Decision {
    return this.decider(coordinate).decide(subject, path);
  }

  /**
   * `from.generalized`: the value comes from the anonymous release, already at
   * its level; generalizing again would only corrupt it (a year is no ISO
   * date). `from.releaseEpoch`: a pseudonym there is of the release-scoped id.
   */
  transform(coordinate: string, decision: Decision, value: unknown, from: Pick<Subject, 'generalized' | 'releaseEpoch'> = {}): unknown {
    switch (decision.action) {
      case 'CLEAR':
        return value;
      case 'OMITTED':
        return null;
      case 'MASKED':
        return maskValue(decision.strategy as Mask, value, { bandWidth: this.plan(coordinate).policy.bandWidth });
      case 'ANONYMIZED':
        if (from.generalized && GENERALIZING.has(decision.strategy as Anonymizer)) return value;
        return anonymizeValue(decision.strategy as Anonymizer, scoped(decision, value, from.releaseEpoch), this.pseudonymKey, { bandWidth: this.plan(coordinate).policy.bandWidth });
    }
  }
}

function fieldDecider(plan: FieldPlan, recorder: AccessRecorder, coordinate: string): FieldDecider {
  const use: FieldUse = recorder.fieldUse(coordinate, [plan.consented, plan.optedOut]);
  return {
    plan,
    decide(subject, path) {
      const which = plan.uniform || !subject.sensitiveDataUseOptedOut ? 0 : 1;
      use.note(which, subject.id);
      if (!plan.uniform && path) use.notePath(which, path);
      return which === 0 ? plan.consented : plan.optedOut;
    },
  };
}

// Only a pseudonym is scoped: other anonymizers keep the value as it is.
function scoped(decision: Decision, value: unknown, epoch: string | undefined): unknown {
  if (epoch === undefined || decision.strategy !== 'PSEUDONYM') return value;
  return typeof value === 'string' || typeof value === 'number' ? releaseScopedId(epoch, value) : value;
}
