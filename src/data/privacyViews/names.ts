// Where the privacy views live and what their reader roles are called. Roles
// are cluster-wide, so a test working in schema `s` gets `s_privacy` and
// roles prefixed `s_`: parallel test files on one server never share them.

import { DATABASE_VIEWS, type DatabaseView } from '../../policy/databaseViews';

export interface PrivacyNames {
  /** The schema holding the views (owned by privql: regeneration drops it). */
  schema: string;
  viewOf(view: DatabaseView): string;
  roleOf(view: DatabaseView): string;
  /** Every reader role, for dropping them with a test schema. */
  roles: readonly string[];
}

export function privacyNames(dataSchema?: string): PrivacyNames {
  const schema = dataSchema ? `${dataSchema}_privacy` : 'privacy';
  const rolePrefix = dataSchema ? `${dataSchema}_` : 'privql_';
  const roleOf = (view: DatabaseView) => `${rolePrefix}${view.name}_reader`;
  return {
    schema,
    viewOf: (view) => `${view.name}_customers`,
    roleOf,
    roles: DATABASE_VIEWS.map(roleOf),
  };
}

/** Double-quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
