// One case per privacy-lint rule: the shipped schema with the one edit that
// breaks that rule alone, the field the error must name, and the text in the
// edited file the error must point at (its line and column are computed from
// the edited file, so they follow the schema as it changes).

import type { LintRule } from '../../src/governance/lint';
import type { SchemaEdit } from './schemaVariants';

export interface LintCase {
  rule: LintRule;
  edit: SchemaEdit;
  /** The coordinate the finding names (null: the SDL does not validate, so there is none). */
  coordinate: string | null;
  message: RegExp;
  /** Where in edit.file the finding points: the start of this text, which occurs once there (for schema-invalid, the value GraphQL rejects). */
  at: string;
}

const CUSTOMER_OPEN = 'type Customer @customerData {\n';
const addToCustomer = (field: string): SchemaEdit => ({ file: 'customer.graphql', find: CUSTOMER_OPEN, replace: `${CUSTOMER_OPEN}  ${field}\n` });
const religionWith = (replace: string): SchemaEdit => ({ file: 'customer.graphql', find: 'religion: String @sensitive\n', replace: `religion: String ${replace}\n` });

export const LINT_CASES: readonly LintCase[] = [
  {
    rule: 'unclassified-field',
    edit: addToCustomer('nickname: String'),
    coordinate: 'Customer.nickname',
    message: /Customer\.nickname has no classification/,
    at: 'nickname:',
  },
  {
    rule: 'invalid-classification',
    edit: { file: 'customer.graphql', find: 'ethnicity: String @sensitive\n', replace: 'ethnicity: String @sensitive @personal(purposes: [ANALYTICS], anonymize: KEEP)\n' },
    coordinate: 'Customer.ethnicity',
    message: /Customer\.ethnicity has 2 classifications/,
    at: 'ethnicity: String @',
  },
  {
    rule: 'strategy-type-mismatch',
    edit: { file: 'customer.graphql', find: 'mask: EMAIL,', replace: 'mask: BAND,' },
    coordinate: 'Customer.email',
    message: /mask BAND cannot produce a String/,
    at: 'email: String @',
  },
  {
    rule: 'sensitive-forbidden-purpose',
    edit: religionWith('@sensitive(purposes: [DIRECT_MARKETING])'),
    coordinate: 'Customer.religion',
    message: /@sensitive but allows DIRECT_MARKETING/,
    at: 'religion: String @',
  },
  {
    rule: 'purpose-without-role',
    edit: { file: 'directives.graphql', find: '  SECURITY_REVIEW\n}', replace: '  SECURITY_REVIEW\n  RESEARCH\n}' },
    coordinate: 'Purpose.RESEARCH',
    message: /RESEARCH is declared but no role may act for it/,
    at: 'RESEARCH',
  },
  {
    rule: 'sensitive-exposed',
    edit: religionWith('@sensitive(purposes: [CUSTOMER_SERVICE])'),
    coordinate: 'Customer.religion',
    message: /AGENT \(CUSTOMER_SERVICE, STANDARD view\) sees @sensitive Customer\.religion in clear/,
    at: 'religion: String @',
  },
  {
    rule: 'no-collection-channel',
    edit: addToCustomer('nickname: String @personal(purposes: [CUSTOMER_SERVICE], mask: REDACT, anonymize: SUPPRESS)'),
    coordinate: 'Customer.nickname',
    message: /Customer\.nickname has no collection channel/,
    at: 'nickname:',
  },
  {
    rule: 'schema-invalid',
    edit: religionWith('@sensitive(purposes: [GOSSIP])'),
    coordinate: null,
    message: /GOSSIP/,
    at: '[GOSSIP]',
  },
];

export function lintCase(rule: LintCase['rule']): LintCase {
  const found = LINT_CASES.find((c) => c.rule === rule);
  if (!found) throw new Error(`no lint case for ${rule}`);
  return found;
}
