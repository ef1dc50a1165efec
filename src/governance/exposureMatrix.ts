// The views × roles × purposes × fields matrix: what each role, acting for each
// purpose it may use, gets of each classified field. Every cell is computed by
// the decision rule itself (`decideField`), never written down, so the matrix
// cannot say something the server does not do.
//
// A decision may also depend on the customer. The matrix is drawn for the
// customer that leaves the most exposed: one who opted out of nothing (no row
// removed) and consented to sensitive-data use. Any real customer gets the
// same or less.

import type { Catalog } from '../../directives/catalog';
import { decideField } from '../policy/decide';
import { ROLE_POLICY, purposesOf, viewReadsRecords, type RolePolicy } from '../policy/roles';
import {
  ROLES,
  type Action,
  type Anonymizer,
  type Classification,
  type Mask,
  type OptOuts,
  type Purpose,
  type Reason,
  type Role,
  type View,
} from '../policy/vocabulary';

/** The customer the matrix is drawn for: the one whose data is most exposed. */
export const MOST_EXPOSED_CUSTOMER: OptOuts = {
  DIRECT_MARKETING: false,
  THIRD_PARTY_DISCLOSURE: false,
  AUTOMATED_DECISION: false,
  SENSITIVE_DATA_USE: false,
};

export const MATRIX_ASSUMPTION =
  'Drawn for a customer who opted out of nothing and consented to sensitive-data use: the most any role can get. ' +
  'Customers who opted out get the same or less (their row is removed, or sensitive fields omitted).';

/** The auditor's view is not given to the decision rule: no customer field is resolved there (step 0). */
export type ExposureReason = Reason | 'NO_CUSTOMER_RECORDS';

export interface ExposureCell {
  /** Schema coordinate, e.g. `Customer.email`. */
  coordinate: string;
  classification: Classification;
  action: Action;
  /** The mask (MASKED) or anonymizer (ANONYMIZED); null otherwise. */
  strategy: Mask | Anonymizer | null;
  reason: ExposureReason;
}

/** One role acting for one of its purposes: the view that selects, and a cell per classified field. */
export interface ExposureRow {
  role: Role;
  purpose: Purpose;
  view: View;
  cells: ExposureCell[];
}

export interface ExposureMatrix {
  /** The opt-outs every cell was decided with. */
  optOuts: OptOuts;
  assumption: string;
  /** Classified field coordinates, in catalog order: the columns. */
  coordinates: string[];
  /** One row per role and allowed purpose, roles in their vocabulary order. */
  rows: ExposureRow[];
}

/** Ranks actions from least to most exposing: OMITTED < ANONYMIZED < MASKED < CLEAR. */
export const EXPOSURE_ORDER: readonly Action[] = ['OMITTED', 'ANONYMIZED', 'MASKED', 'CLEAR'];

export function exposureRank(action: Action): number {
  return EXPOSURE_ORDER.indexOf(action);
}

export function exposureMatrix(catalog: Catalog, policy: RolePolicy = ROLE_POLICY): ExposureMatrix {
  const fields = [...catalog.fields.values()];
  const rows: ExposureRow[] = [];
  for (const role of ROLES) {
    for (const purpose of purposesOf(policy, role)) {
      const view = policy[role][purpose];
      const cells = fields.map((field): ExposureCell => {
        const base = { coordinate: field.coordinate, classification: field.classification };
        if (!viewReadsRecords(view)) return { ...base, action: 'OMITTED', strategy: null, reason: 'NO_CUSTOMER_RECORDS' };
        const decision = decideField(field, { view, purpose }, MOST_EXPOSED_CUSTOMER);
        return { ...base, action: decision.action, strategy: decision.strategy, reason: decision.reason };
      });
      rows.push({ role, purpose, view, cells });
    }
  }
  return { optOuts: MOST_EXPOSED_CUSTOMER, assumption: MATRIX_ASSUMPTION, coordinates: fields.map((f) => f.coordinate), rows };
}

/** The cell of one role, purpose and field, or undefined when the role may not use the purpose or the field is not classified. */
export function cellOf(matrix: ExposureMatrix, role: Role, purpose: Purpose, coordinate: string): ExposureCell | undefined {
  return matrix.rows.find((r) => r.role === role && r.purpose === purpose)?.cells.find((c) => c.coordinate === coordinate);
}

/** How a cell reads in a table: `CLEAR`, `MASKED (LAST4)`, `ANONYMIZED (PSEUDONYM)`, `OMITTED`. */
export function cellLabel(cell: Pick<ExposureCell, 'action' | 'strategy'>): string {
  return cell.strategy === null ? cell.action : `${cell.action} (${cell.strategy})`;
}
