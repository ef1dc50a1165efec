// The privacy lint (pure): what a security reviewer must not let through in a
// schema's annotations, checked with the same catalog, decision rule and
// policies the server enforces. Every finding is an error; a schema with none
// is one the server starts on and that gives sensitive data only to the
// personal-data view.

import type { GraphQLError } from 'graphql';
import { isEnumType } from 'graphql';
import { collectionChannelsOf, COLLECTION_POLICY, type CollectionPolicy } from '../policy/collection';
import { ROLE_POLICY, type RolePolicy } from '../policy/roles';
import type { Purpose } from '../policy/vocabulary';
import type { CatalogProblem } from '../../directives/catalog';
import { exposureMatrix } from './exposureMatrix';
import { reviewSchema, type ReviewedSchema, type SdlFile, type SdlLocation } from './sdl';

export const LINT_RULES = {
  'schema-invalid': 'The SDL does not parse or does not validate.',
  'unclassified-field': 'A field of customer data has no classification (@identity, @personal or @sensitive).',
  'invalid-classification': 'A classification the server refuses: two on one field, an unknown value, a masked @sensitive field, a classified field outside customer data.',
  'strategy-type-mismatch': "A mask or anonymizer that cannot produce a value of the field's type.",
  'sensitive-forbidden-purpose': 'A @sensitive field allows DIRECT_MARKETING, THIRD_PARTY_DISCLOSURE or AUTOMATED_DECISION.',
  'purpose-without-role': 'A purpose no role may act for: nothing can use it, so it is a typo or a role is missing.',
  'sensitive-exposed': 'A role whose view is not the personal-data view sees a @sensitive field in clear.',
  'no-collection-channel': 'A classified field has no collection channel in the collection policy (src/policy/collection.ts).',
} as const;
export type LintRule = keyof typeof LINT_RULES;

export interface LintFinding {
  rule: LintRule;
  /** `Type.field` or `Enum.VALUE` the finding is about; null for the schema as a whole. */
  coordinate: string | null;
  message: string;
  location: SdlLocation | null;
}

export interface LintResult {
  findings: LintFinding[];
  files: number;
  /** Classified fields the catalog could read (0 when the SDL did not build). */
  classifiedFields: number;
}

export interface LintPolicies {
  roles: RolePolicy;
  collection: CollectionPolicy;
}

/** Uses that special-category data must never be put to (GDPR Art. 9, 22; PIPL Art. 28-29). */
export const SENSITIVE_FORBIDDEN_PURPOSES: readonly Purpose[] = ['DIRECT_MARKETING', 'THIRD_PARTY_DISCLOSURE', 'AUTOMATED_DECISION'];

const CATALOG_RULE: Record<CatalogProblem['kind'], LintRule> = {
  unclassified: 'unclassified-field',
  misfit: 'strategy-type-mismatch',
  invalid: 'invalid-classification',
};

export function lintSchema(files: readonly SdlFile[], policies: LintPolicies = { roles: ROLE_POLICY, collection: COLLECTION_POLICY }): LintResult {
  let reviewed: ReviewedSchema;
  try {
    reviewed = reviewSchema(files);
  } catch (err) {
    return { findings: [invalidSdl(err)], files: files.length, classifiedFields: 0 };
  }
  const at = (coordinate: string) => reviewed.locations.get(coordinate) ?? null;
  const finding = (rule: LintRule, coordinate: string, message: string): LintFinding => ({ rule, coordinate, message, location: at(coordinate) });
  const findings: LintFinding[] = [
    ...reviewed.problems.map((p) => finding(CATALOG_RULE[p.kind], p.coordinate, p.message)),
    ...sensitivePurposes(reviewed).map(([c, m]) => finding('sensitive-forbidden-purpose', c, m)),
    ...purposesWithoutRole(reviewed, policies.roles).map(([c, m]) => finding('purpose-without-role', c, m)),
    ...sensitiveExposure(reviewed, policies.roles).map(([c, m]) => finding('sensitive-exposed', c, m)),
    ...missingChannels(reviewed, policies.collection).map(([c, m]) => finding('no-collection-channel', c, m)),
  ];
  return { findings, files: files.length, classifiedFields: reviewed.catalog.fields.size };
}

type Found = [coordinate: string, message: string];

function sensitivePurposes({ catalog }: ReviewedSchema): Found[] {
  return [...catalog.fields.values()]
    .filter((f) => f.classification === 'sensitive')
    .flatMap((f) => {
      const bad = f.purposes.filter((p) => SENSITIVE_FORBIDDEN_PURPOSES.includes(p));
      return bad.length === 0 ? [] : [[f.coordinate, `${f.coordinate} is @sensitive but allows ${bad.join(', ')}: special-category data is never used for these`] as Found];
    });
}

function purposesWithoutRole({ schema, catalog }: ReviewedSchema, roles: RolePolicy): Found[] {
  const usable = new Set(Object.values(roles).flatMap((purposes) => Object.keys(purposes)));
  const found: Found[] = [];
  const purposeEnum = schema.getType('Purpose');
  for (const value of isEnumType(purposeEnum) ? purposeEnum.getValues() : []) {
    if (!usable.has(value.name)) found.push([`Purpose.${value.name}`, `purpose ${value.name} is declared but no role may act for it (src/policy/roles.ts)`]);
  }
  for (const field of catalog.fields.values()) {
    const unusable = field.purposes.filter((p) => !usable.has(p));
    if (unusable.length > 0) found.push([field.coordinate, `${field.coordinate} allows ${unusable.join(', ')}, which no role may act for`]);
  }
  return found;
}

// Entitled by design: the personal-data view (the privacy officer, and the
// customer on their own record). Anyone else who sees a sensitive value in
// clear — even only from consenting customers — is a finding. Purposes the
// sensitive-purpose rule already names are not repeated here.
function sensitiveExposure({ catalog }: ReviewedSchema, roles: RolePolicy): Found[] {
  const found: Found[] = [];
  for (const row of exposureMatrix(catalog, roles).rows) {
    if (row.view.name === 'PERSONAL_DATA' || SENSITIVE_FORBIDDEN_PURPOSES.includes(row.purpose)) continue;
    for (const cell of row.cells) {
      if (cell.classification !== 'sensitive' || cell.action !== 'CLEAR') continue;
      found.push([cell.coordinate, `${row.role} (${row.purpose}, ${row.view.name} view) sees @sensitive ${cell.coordinate} in clear; only the personal-data view is entitled to it`]);
    }
  }
  return found;
}

function missingChannels({ catalog }: ReviewedSchema, collection: CollectionPolicy): Found[] {
  return [...catalog.fields.keys()]
    .filter((c) => collectionChannelsOf(collection, c).length === 0)
    .map((c) => [c, `${c} has no collection channel: declare where its values come from in src/policy/collection.ts`] as Found);
}

function invalidSdl(err: unknown): LintFinding {
  const e = err as Partial<GraphQLError> & Error;
  const where = e.source && e.locations?.[0] ? { file: e.source.name, line: e.locations[0].line, column: e.locations[0].column } : null;
  return { rule: 'schema-invalid', coordinate: null, message: e.message, location: where };
}
