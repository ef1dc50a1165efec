// Public API of the masking strategies: pure functions, no I/O.
export { VALUE_KINDS, StrategyTypeError, describeType } from './valueKind';
export type { ValueKind } from './valueKind';
export { MASK_ACCEPTS, REDACTED, band, maskValue, type MaskOptions } from './mask';
export { ANONYMIZER_ACCEPTS, anonymizeValue } from './anonymize';
export { PSEUDONYM_PREFIX, pseudonymKeyFor, pseudonymize } from './pseudonym';
