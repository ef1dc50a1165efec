// Anonymizers decide how a value appears in the anonymous views (analysts,
// partners). Generalizing ones reuse the masks of the same name so that a
// `BAND` means the same bucket whether a field is masked or anonymized.
import type { Anonymizer } from '../policy/vocabulary';
import { MASK_ACCEPTS, maskValue, type MaskOptions } from './mask';
import { pseudonymize } from './pseudonym';
import { StrategyTypeError, VALUE_KINDS, describeType, type ValueKind } from './valueKind';

/** What each anonymizer can be applied to; the catalog is validated against this. */
export const ANONYMIZER_ACCEPTS: Record<Anonymizer, readonly ValueKind[]> = Object.freeze({
  PSEUDONYM: ['String', 'ID', 'Int'],
  BAND: MASK_ACCEPTS.BAND,
  YEAR: MASK_ACCEPTS.YEAR,
  PREFIX: MASK_ACCEPTS.PREFIX,
  KEEP: VALUE_KINDS,
  SUPPRESS: VALUE_KINDS,
} as const);

/**
 * Applies `anonymizer`; null and undefined give null, SUPPRESS always gives null.
 * `pseudonymKey` is the calling application's key (see `pseudonymKeyFor`).
 */
export function anonymizeValue(
  anonymizer: Anonymizer,
  value: unknown,
  pseudonymKey: Uint8Array,
  options: MaskOptions = {},
): unknown {
  if (anonymizer === 'SUPPRESS' || value === null || value === undefined) return null;
  switch (anonymizer) {
    case 'PSEUDONYM':
      if (typeof value === 'string' || typeof value === 'number') {
        return pseudonymize(pseudonymKey, value);
      }
      throw new StrategyTypeError(anonymizer, describeType(value));
    case 'BAND':
    case 'YEAR':
    case 'PREFIX':
      return maskValue(anonymizer, value, options);
    case 'KEEP':
      return value;
    default: {
      const unknownAnonymizer: never = anonymizer;
      throw new TypeError(`unknown anonymizer ${JSON.stringify(String(unknownAnonymizer))}`);
    }
  }
}
