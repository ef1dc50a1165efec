// Reads the classification directives out of the schema into a catalog, once,
// at start-up. Anything that would leave a customer field without a clear
// policy (no directive, two directives, a strategy that cannot produce a value
// of the field's type) is refused here, so the server never starts half-guarded.

import { getNamedType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import { ANONYMIZER_ACCEPTS, MASK_ACCEPTS } from '../src/masking';
import type { ValueKind } from '../src/masking/valueKind';
import { ANONYMIZERS, CLASSIFICATIONS, MASKS, PURPOSES, isOneOf, type Classification, type FieldPolicy, type Purpose } from '../src/policy/vocabulary';

export const CUSTOMER_DATA_DIRECTIVE = 'customerData';
export const ACCESS_RECORD_DIRECTIVE = 'accessRecord';

export interface Catalog {
  /** Classified fields by schema coordinate (`Customer.email`). */
  fields: ReadonlyMap<string, FieldPolicy>;
  /** Object types marked @customerData. */
  customerTypes: ReadonlySet<string>;
}

/** One problem with the classification; `coordinate` is a field's, or a type's when the field is unknown. */
export interface CatalogProblem {
  coordinate: string;
  /** unclassified: customer data without a classification; misfit: a mask or anonymizer that cannot produce the field's type; invalid: anything else. */
  kind: 'unclassified' | 'misfit' | 'invalid';
  message: string;
}

export class ClassificationError extends Error {
  constructor(readonly problems: string[]) {
    super(`the schema's customer data is not fully classified:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * `bandWidths` (anonymity policy) gives each banded field its width; a
 * banded field without one is refused by `validateAnonymityPolicy`.
 */
export function readCatalog(schema: GraphQLSchema, bandWidths: Readonly<Record<string, number>> = {}): Catalog {
  const { catalog, problems } = inspectCatalog(schema, bandWidths);
  if (problems.length > 0) throw new ClassificationError(problems.map((p) => p.message));
  return catalog;
}

/**
 * The catalog of the fields that are validly classified, and every problem
 * found: the lint reports them all and still checks what was readable.
 */
export function inspectCatalog(schema: GraphQLSchema, bandWidths: Readonly<Record<string, number>> = {}): { catalog: Catalog; problems: CatalogProblem[] } {
  const fields = new Map<string, FieldPolicy>();
  const customerTypes = new Set<string>();
  const problems: CatalogProblem[] = [];
  const problem = (coordinate: string, kind: CatalogProblem['kind']) => (message: string) => problems.push({ coordinate, kind, message });

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isCustomerData = getDirective(schema, type, CUSTOMER_DATA_DIRECTIVE) !== undefined;
    if (isCustomerData) customerTypes.add(type.name);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const invalid = problem(coordinate, 'invalid');
      const found = CLASSIFICATIONS.flatMap((c) => (getDirective(schema, field, c) ?? []).map((args) => ({ c, args })));
      if (!isCustomerData) {
        if (found.length > 0) invalid(`${coordinate} is classified but ${type.name} is not marked @${CUSTOMER_DATA_DIRECTIVE}`);
        continue;
      }
      if (found.length === 0) {
        problem(coordinate, 'unclassified')(`${coordinate} has no classification (@identity, @personal or @sensitive)`);
        continue;
      }
      if (found.length > 1) {
        invalid(`${coordinate} has ${found.length} classifications; exactly one is allowed`);
        continue;
      }
      const policy = toPolicy(coordinate, found[0].c, found[0].args, invalid);
      if (policy && bandWidths[coordinate] !== undefined) policy.bandWidth = bandWidths[coordinate];
      if (policy) {
        checkStrategiesFit(policy, field, problem(coordinate, 'misfit'));
        fields.set(coordinate, policy);
      }
    }
  }
  checkNestedTypesAreCustomerData(schema, customerTypes, problems);
  return { catalog: { fields, customerTypes }, problems };
}

type Report = (message: string) => void;

function toPolicy(coordinate: string, classification: Classification, args: Record<string, unknown>, report: Report): FieldPolicy | null {
  const purposes = (args.purposes as unknown[] | undefined) ?? [];
  const badPurpose = purposes.filter((p) => !isOneOf(PURPOSES, p));
  if (badPurpose.length > 0) report(`${coordinate}: unknown purpose ${badPurpose.join(', ')}`);
  const mask = args.mask ?? null;
  const anonymize = args.anonymize ?? null;
  if (mask !== null && !isOneOf(MASKS, mask)) report(`${coordinate}: unknown mask ${String(mask)}`);
  if (anonymize !== null && !isOneOf(ANONYMIZERS, anonymize)) report(`${coordinate}: unknown anonymizer ${String(anonymize)}`);
  if (classification === 'sensitive' && (mask !== null || anonymize !== null)) {
    report(`${coordinate}: a @sensitive field is never masked or anonymized`);
  }
  if (badPurpose.length > 0 || (mask !== null && !isOneOf(MASKS, mask)) || (anonymize !== null && !isOneOf(ANONYMIZERS, anonymize))) return null;
  return {
    coordinate,
    classification,
    purposes: [...new Set(purposes as Purpose[])],
    mask: mask as FieldPolicy['mask'],
    anonymize: anonymize as FieldPolicy['anonymize'],
  };
}

function checkStrategiesFit(policy: FieldPolicy, field: GraphQLField<unknown, unknown>, report: Report): void {
  const kinds = valueKindsOf(field.type);
  const fits = (accepted: readonly ValueKind[]) => kinds.some((k) => accepted.includes(k));
  if (policy.mask && !fits(MASK_ACCEPTS[policy.mask])) {
    report(`${policy.coordinate}: mask ${policy.mask} cannot produce a ${String(field.type)}`);
  }
  if (policy.anonymize && !fits(ANONYMIZER_ACCEPTS[policy.anonymize])) {
    report(`${policy.coordinate}: anonymizer ${policy.anonymize} cannot produce a ${String(field.type)}`);
  }
}

// A String field may hold a date (birthDate, placedAt): date strategies accept it.
function valueKindsOf(type: GraphQLOutputType): ValueKind[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(type);
  if (isListType(inner)) return isObjectType(named) ? ['ObjectList'] : named.name === 'String' ? ['StringList'] : ['ObjectList'];
  if (isObjectType(named)) return ['Object'];
  switch (named.name) {
    case 'String':
      return ['String', 'Date'];
    case 'ID':
    case 'Int':
    case 'Float':
    case 'Boolean':
      return [named.name];
    default:
      return [];
  }
}

// Customer data reached through a customer field is customer data too: an
// Order type without @customerData would let its fields through unguarded.
// Access records (who saw what) are the one other kind allowed there: the
// classified field that reaches them gates the whole subtree.
function checkNestedTypesAreCustomerData(schema: GraphQLSchema, customerTypes: ReadonlySet<string>, problems: CatalogProblem[]): void {
  for (const typeName of customerTypes) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isObjectType(named) && !customerTypes.has(named.name) && !getDirective(schema, named, ACCESS_RECORD_DIRECTIVE)) {
        const coordinate = `${typeName}.${field.name}`;
        problems.push({ coordinate, kind: 'unclassified', message: `${coordinate} returns ${named.name}, which is not marked @${CUSTOMER_DATA_DIRECTIVE}` });
      }
    }
  }
}
