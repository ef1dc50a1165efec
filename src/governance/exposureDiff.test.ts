// The exposure diff between two versions of the schema, built as the
// reviewer would: the shipped SDL with one annotation changed.

import { join } from 'node:path';
import { diffExposure, formatExposureDiff } from './exposureDiff';
import { exposureMatrix } from './exposureMatrix';
import { readSchemaFolder } from './schemaSource';
import { reviewSchema, type SdlFile } from './sdl';
import { editSdl, RELIGION_PERSONAL } from '../../test/support/schemaVariants';

const ROOT = join(__dirname, '..', '..');
const SHIPPED = readSchemaFolder(join(ROOT, 'schema'), ROOT);

/** The shipped SDL with `find` (which must occur once in customer.graphql) replaced. */
const edited = (find: string, replace: string) => editSdl(SHIPPED, [{ file: 'customer.graphql', find, replace }]);
const matrixOf = (files: SdlFile[]) => {
  const reviewed = reviewSchema(files);
  expect(reviewed.problems).toEqual([]);
  return exposureMatrix(reviewed.catalog);
};
const shipped = matrixOf(SHIPPED);
const lines = (text: string) => text.split('\n');

test('the same schema: no change, nothing grows', () => {
  const diff = diffExposure(shipped, matrixOf(SHIPPED));
  expect(diff).toEqual({ changes: [], grows: false });
  expect(formatExposureDiff(diff)).toBe('No change in exposure.\n');
});

describe('religion reclassified from @sensitive to @personal', () => {
  const personal = matrixOf(editSdl(SHIPPED, [RELIGION_PERSONAL]));

  test('grows exposure, naming the field and each role it reaches', () => {
    const diff = diffExposure(shipped, personal);
    expect(diff.grows).toBe(true);
    expect(diff.changes.map((c) => `${c.role} ${c.coordinate} ${c.before!.action}->${c.after!.action}`)).toEqual([
      'AGENT Customer.religion OMITTED->CLEAR',
      'MARKETER Customer.religion OMITTED->MASKED',
      'DECISION_ENGINE Customer.religion OMITTED->MASKED',
    ]);
    expect(lines(formatExposureDiff(diff))).toEqual([
      'STANDARD view: AGENT for CUSTOMER_SERVICE',
      '  + AGENT now sees Customer.religion in clear (was OMITTED)',
      '',
      'OPT_OUT view: MARKETER for DIRECT_MARKETING',
      '  + MARKETER now sees Customer.religion masked (REDACT) (was OMITTED)',
      '',
      'OPT_OUT view: DECISION_ENGINE for AUTOMATED_DECISION',
      '  + DECISION_ENGINE now sees Customer.religion masked (REDACT) (was OMITTED)',
      '',
      'Exposure grows: 3 changes need sign-off; 0 reduced.',
      '',
    ]);
  });

  test('the way back only shrinks it', () => {
    const diff = diffExposure(personal, shipped);
    expect(diff.grows).toBe(false);
    expect(formatExposureDiff(diff)).toContain('  - AGENT no longer sees Customer.religion in clear (now OMITTED)\n');
    expect(formatExposureDiff(diff)).toMatch(/Exposure only shrinks: 3 reduced\.\n$/);
  });
});

test('a new visible field grows exposure; a removed one shrinks it', () => {
  const open = 'type Customer @customerData {\n';
  const added = matrixOf(edited(open, `${open}  nickname: String @personal(purposes: [CUSTOMER_SERVICE], anonymize: SUPPRESS)\n`));
  const grown = diffExposure(shipped, added);
  // Only the agent (its purpose) and the personal-data view see it; without a mask it is omitted elsewhere.
  expect(grown.changes.filter((c) => c.grows).map((c) => c.role)).toEqual(['AGENT', 'OFFICER', 'CUSTOMER']);
  expect(formatExposureDiff(grown)).toContain('  + AGENT now sees Customer.nickname in clear (new field)');
  const removed = diffExposure(added, shipped);
  expect(removed.grows).toBe(false);
  expect(formatExposureDiff(removed)).toContain('  - OFFICER no longer sees Customer.nickname in clear (field removed)');
});

test('a weaker anonymization in the same action grows exposure: the analyst gets real ids', () => {
  const id = 'anonymize: PSEUDONYM)';
  const diff = diffExposure(shipped, matrixOf(edited(id, 'anonymize: KEEP)')));
  expect(diff.grows).toBe(true);
  expect(formatExposureDiff(diff)).toContain('  + ANALYST now sees Customer.id anonymized (KEEP) (was ANONYMIZED (PSEUDONYM))');
});

test('a narrower purpose list shrinks exposure only', () => {
  const city = 'city: String @personal(purposes: [CUSTOMER_SERVICE, DIRECT_MARKETING, THIRD_PARTY_DISCLOSURE]';
  const diff = diffExposure(shipped, matrixOf(edited(city, 'city: String @personal(purposes: [CUSTOMER_SERVICE]')));
  expect(diff.grows).toBe(false);
  expect(diff.changes.map((c) => `${c.role}: ${c.after!.action}`)).toEqual(['MARKETER: MASKED', 'PARTNER: ANONYMIZED']);
});
