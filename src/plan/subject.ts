// Every row object that carries customer data is tagged with the customer it
// belongs to. The field wrapper reads the tag to decide, transform and log;
// a symbol keeps it out of reach of GraphQL's default resolver and of JSON.

export const SUBJECT = Symbol('privql.subject');

export interface Subject {
  id: string;
  /** The one opt-out the per-field decision still depends on (decision step 3). */
  sensitiveDataUseOptedOut: boolean;
  /**
   * The row comes from the anonymous release: its values are already
   * generalized to the release's levels, so BAND, PREFIX and YEAR are not
   * applied again (PSEUDONYM still is).
   */
  generalized?: boolean;
  /**
   * The epoch of the release the row was read from: its pseudonyms are of
   * `epoch:id`, so rows of releases cut at different levels cannot be joined
   * (src/anonymity/releaseEpoch.ts).
   */
  releaseEpoch?: string;
}

export type Tagged<T extends object> = T & { [SUBJECT]: Subject };

export function tag<T extends object>(row: T, subject: Subject): Tagged<T> {
  (row as Tagged<T>)[SUBJECT] = subject;
  return row as Tagged<T>;
}

export function subjectOf(row: unknown): Subject | undefined {
  return row !== null && typeof row === 'object' ? (row as { [SUBJECT]?: Subject })[SUBJECT] : undefined;
}

/**
 * The customer a tagged row belongs to: what a nested resolver looks up by.
 * Not the row's `id`, which on the compiled path is the released value (a
 * pseudonym, or null) and not the key it names.
 */
export function subjectIdOf(row: unknown): string {
  const subject = subjectOf(row);
  if (!subject) throw new Error('untagged customer row');
  return subject.id;
}
