// The privacy views inside the database (issue 7, item 4): which role and
// purpose each warehouse view stands for, and whose pseudonyms it carries.
// Policy data like the role table: the views' columns are then decided by
// decideField for that role's view and purpose, so a BI tool reading the
// warehouse sees exactly what a GraphQL caller in that role would.

import type { Purpose, Role } from './vocabulary';

export interface DatabaseView {
  /** Short name: the view is `<privacy schema>.<name>_customers`, its reader role `<prefix><name>_reader`. */
  name: string;
  role: Role;
  purpose: Purpose;
  /**
   * The application whose pseudonyms the view carries (its key is that
   * application's, as in GraphQL). Needed when some column is pseudonymized;
   * a BI tool reading the view then gets the same pseudonyms as that app.
   */
  pseudonymsFor?: string;
  /** Rows come from the k-anonymous release (table anonymous_release), not from the customer tables. */
  fromRelease?: boolean;
}

export const DATABASE_VIEWS: readonly DatabaseView[] = [
  { name: 'standard', role: 'AGENT', purpose: 'CUSTOMER_SERVICE' },
  { name: 'personal', role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION' },
  { name: 'anonymous', role: 'ANALYST', purpose: 'ANALYTICS', pseudonymsFor: 'bi-workbench', fromRelease: true },
  { name: 'marketing', role: 'MARKETER', purpose: 'DIRECT_MARKETING' },
  { name: 'decision', role: 'DECISION_ENGINE', purpose: 'AUTOMATED_DECISION' },
  { name: 'disclosure', role: 'PARTNER', purpose: 'THIRD_PARTY_DISCLOSURE', pseudonymsFor: 'partner-portal' },
];
