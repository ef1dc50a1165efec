// The privacy lint on the shipped schema (no findings) and on one fixture
// per kind of error (test/fixtures/lint/<rule>/: the schema with one defect),
// each reported with its field and the line it is written on.

import { join } from 'node:path';
import { ROLE_POLICY } from '../policy/roles';
import { COLLECTION_POLICY } from '../policy/collection';
import { lintSchema, LINT_RULES, type LintRule } from './lint';
import { formatLint } from './lintFormat';
import { readSchemaFolder } from './schemaSource';

const ROOT = join(__dirname, '..', '..');
const fixture = (rule: string) => readSchemaFolder(join(ROOT, 'test', 'fixtures', 'lint', rule), ROOT);

test('the shipped schema passes', () => {
  const result = lintSchema(readSchemaFolder(join(ROOT, 'schema'), ROOT));
  expect(result.findings).toEqual([]);
  expect(result.classifiedFields).toBeGreaterThan(50);
  expect(formatLint(result, 'text')).toMatch(/^privacy lint: no problems \(\d+ files, \d+ classified fields\)\n$/);
});

// rule -> the field it names and the file:line of that field in the fixture.
const CASES: ReadonlyArray<[LintRule, string, string, RegExp]> = [
  ['unclassified-field', 'Customer.nickname', 'customer.graphql:7', /Customer\.nickname has no classification/],
  ['invalid-classification', 'Customer.ethnicity', 'customer.graphql:21', /Customer\.ethnicity has 2 classifications/],
  ['strategy-type-mismatch', 'Customer.email', 'customer.graphql:10', /mask BAND cannot produce a String/],
  ['sensitive-forbidden-purpose', 'Customer.religion', 'customer.graphql:22', /@sensitive but allows DIRECT_MARKETING/],
  ['purpose-without-role', 'Purpose.RESEARCH', 'directives.graphql:23', /RESEARCH is declared but no role may act for it/],
  ['sensitive-exposed', 'Customer.religion', 'customer.graphql:22', /AGENT \(CUSTOMER_SERVICE, STANDARD view\) sees @sensitive Customer\.religion in clear/],
  ['no-collection-channel', 'Customer.nickname', 'customer.graphql:7', /Customer\.nickname has no collection channel/],
];

test.each(CASES)('%s: exactly one error, naming %s at %s', (rule, coordinate, line, message) => {
  const { findings } = lintSchema(fixture(rule));
  expect(findings).toHaveLength(1);
  const [f] = findings;
  expect(f).toMatchObject({ rule, coordinate });
  expect(f.message).toMatch(message);
  expect(`${f.location!.file.split('/').pop()}:${f.location!.line}`).toBe(line);
  expect(f.location!.file).toBe(`test/fixtures/lint/${rule}/${line.split(':')[0]}`);
});

test('SDL that does not validate: one error where the SDL says so', () => {
  const { findings, classifiedFields } = lintSchema(fixture('schema-invalid'));
  expect(classifiedFields).toBe(0);
  expect(findings).toEqual([
    {
      rule: 'schema-invalid',
      coordinate: null,
      message: expect.stringContaining('GOSSIP'),
      location: { file: 'test/fixtures/lint/schema-invalid/customer.graphql', line: 22, column: 41 },
    },
  ]);
});

test('every rule has a fixture', () => {
  expect([...CASES.map(([rule]) => rule), 'schema-invalid'].sort()).toEqual(Object.keys(LINT_RULES).sort());
});

test('a purpose the role table gives no role is named on each field that allows it', () => {
  const { PARTNER: _dropped, ...roles } = ROLE_POLICY;
  const { findings } = lintSchema(readSchemaFolder(join(ROOT, 'schema'), ROOT), { roles, collection: COLLECTION_POLICY });
  const named = findings.filter((f) => f.rule === 'purpose-without-role').map((f) => f.coordinate);
  expect(named).toEqual(expect.arrayContaining(['Purpose.THIRD_PARTY_DISCLOSURE', 'Customer.city', 'Customer.age', 'Customer.segment']));
  expect(named).not.toContain('Customer.email');
});

test('SARIF 2.1.0: rule, level, message, file and line of each finding', () => {
  const log = JSON.parse(formatLint(lintSchema(fixture('sensitive-exposed')), 'sarif'));
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
          physicalLocation: { artifactLocation: { uri: 'test/fixtures/lint/sensitive-exposed/customer.graphql' }, region: { startLine: 22, startColumn: 3 } },
          logicalLocations: [{ fullyQualifiedName: 'Customer.religion', kind: 'member' }],
        },
      ],
    },
  ]);
});
