// The kinds of value a field can hold, as far as masking is concerned. The
// catalog checks each field's strategy against these lists at start-up, so a
// mismatch is a configuration error rather than a failure on a customer's row.

export const VALUE_KINDS = [
  'String',
  'ID',
  'Int',
  'Float',
  'Boolean',
  /** A String field holding an ISO date or timestamp. */
  'Date',
  'StringList',
  'Object',
  'ObjectList',
] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/**
 * Names the JS type of a value without revealing the value: values are customer
 * data, and error messages end up in logs and responses.
 */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'non-finite number';
  return typeof value;
}

/** A strategy met a value it cannot transform; carries no part of the value. */
export class StrategyTypeError extends TypeError {
  override readonly name = 'StrategyTypeError';

  constructor(
    readonly strategy: string,
    readonly valueType: string,
  ) {
    super(`${strategy} cannot be applied to a value of type ${valueType}`);
  }
}
