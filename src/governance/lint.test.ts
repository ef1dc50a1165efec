// The privacy lint on the shipped schema (no findings) and on one variant of
// it per kind of error (test/support/lintCases.ts: the schema with one edit),
// each reported with its field and the line and column it is written on.

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROLE_POLICY } from '../policy/roles';
import { COLLECTION_POLICY } from '../policy/collection';
import { lintSchema, LINT_RULES } from './lint';
import { formatLint } from './lintFormat';
import { readSchemaFolder } from './schemaSource';
import { LINT_CASES, lintCase, type LintCase } from '../../test/support/lintCases';
import { positionOf, removeSchemaVariants, schemaVariant } from '../../test/support/schemaVariants';

const ROOT = join(__dirname, '..', '..');
afterAll(removeSchemaVariants);

/** The case's schema variant as the lint reads it, and where its one finding must point. */
function variant(c: LintCase) {
  const dir = schemaVariant([c.edit]);
  const path = join(dir, c.edit.file);
  const location = { file: relative(ROOT, path), ...positionOf(readFileSync(path, 'utf8'), c.at, c.rule) };
  return { files: readSchemaFolder(dir, ROOT), location };
}

test('the shipped schema passes', () => {
  const result = lintSchema(readSchemaFolder(join(ROOT, 'schema'), ROOT));
  expect(result.findings).toEqual([]);
  expect(result.classifiedFields).toBeGreaterThan(50);
  expect(formatLint(result, 'text')).toMatch(/^privacy lint: no problems \(\d+ files, \d+ classified fields\)\n$/);
});

test.each(LINT_CASES.map((c) => [c.rule, c.coordinate ?? 'no field', c]))('%s: exactly one error, naming %s where the edit put it', (_rule, _named, c) => {
  const { files, location } = variant(c);
  const { findings } = lintSchema(files);
  expect(findings).toEqual([{ rule: c.rule, coordinate: c.coordinate, message: expect.stringMatching(c.message), location }]);
});

test('SDL that does not validate classifies nothing', () => {
  expect(lintSchema(variant(lintCase('schema-invalid')).files).classifiedFields).toBe(0);
});

test('every rule has a case', () => {
  expect(LINT_CASES.map((c) => c.rule).sort()).toEqual(Object.keys(LINT_RULES).sort());
});

test('a purpose the role table gives no role is named on each field that allows it', () => {
  const { PARTNER: _dropped, ...roles } = ROLE_POLICY;
  const { findings } = lintSchema(readSchemaFolder(join(ROOT, 'schema'), ROOT), { roles, collection: COLLECTION_POLICY });
  const named = findings.filter((f) => f.rule === 'purpose-without-role').map((f) => f.coordinate);
  expect(named).toEqual(expect.arrayContaining(['Purpose.THIRD_PARTY_DISCLOSURE', 'Customer.city', 'Customer.age', 'Customer.segment']));
  expect(named).not.toContain('Customer.email');
});

test('SARIF 2.1.0: rule, level, message, file and line of each finding', () => {
  const { files, location } = variant(lintCase('sensitive-exposed'));
  const log = JSON.parse(formatLint(lintSchema(files), 'sarif'));
  expect(log.version).toBe('2.1.0');
  const run = log.runs[0];
  expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(Object.keys(LINT_RULES));
  expect(run.results).toEqual([
    {
      ruleId: 'sensitive-exposed',
      ruleIndex: Object.keys(LINT_RULES).indexOf('sensitive-exposed'),
      level: 'error',
      message: { text: expect.stringContaining('Customer.religion') },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: location.file }, region: { startLine: location.line, startColumn: location.column } },
          logicalLocations: [{ fullyQualifiedName: 'Customer.religion', kind: 'member' }],
        },
      ],
    },
  ]);
});
