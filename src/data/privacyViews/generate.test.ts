// The generator on its own (no database): what it refuses, and that its
// fingerprint follows the annotations, the names and nothing else.

import { makeExecutableSchema } from '@graphql-tools/schema';
import { readCatalog } from '../../../directives/catalog';
import { ANONYMITY_POLICY } from '../../policy/anonymity';
import { buildPrivqlSchema, loadSchemaFiles } from '../../server/schema';
import { DATABASE_VIEWS } from '../../policy/databaseViews';
import { main as viewsSql } from '../../cli/viewsSql';
import { generatePrivacyViews } from './generate';
import { privacyNames } from './names';

const catalog = buildPrivqlSchema().catalog;
// The annotations alone: a field added here has no collection channel, which
// the server's start-up would refuse before the generator is reached.
const withSdl = (edit: (sdl: string) => string) => readCatalog(makeExecutableSchema({ typeDefs: loadSchemaFiles().map(edit) }), ANONYMITY_POLICY.bandWidths);

test('the same annotations give the same SQL; another data schema gives other names', () => {
  const a = generatePrivacyViews(catalog, privacyNames());
  expect(generatePrivacyViews(catalog, privacyNames()).fingerprint).toBe(a.fingerprint);
  const inSchema = generatePrivacyViews(catalog, privacyNames('tenant_a'));
  expect(inSchema.fingerprint).not.toBe(a.fingerprint);
  expect(inSchema.statements.join('\n')).toContain('"tenant_a_privacy"."standard_customers"');
  expect(inSchema.access.join('\n')).toContain('"tenant_a_standard_reader"');
});

test('npm run views:sql prints every view, behind a security barrier, and says whose pseudonyms it needs', () => {
  const script = viewsSql([]);
  for (const view of DATABASE_VIEWS) expect(script).toContain(`CREATE VIEW "privacy"."${view.name}_customers" WITH (security_barrier) AS`);
  expect(script).toMatch(/pseudonym keys .* for: bi-workbench, partner-portal/);
});

test('a column the policy omits for everyone is not in the view at all', () => {
  const standard = generatePrivacyViews(catalog, privacyNames()).statements.find((s) => s.includes('"standard_customers" WITH'))!;
  expect(standard).not.toMatch(/religion|ethnicity/);
});

test('refuses a view that would pseudonymize without knowing for which application', () => {
  const views = DATABASE_VIEWS.map((v) => (v.name === 'disclosure' ? { ...v, pseudonymsFor: undefined } : v));
  expect(() => generatePrivacyViews(catalog, privacyNames(), views)).toThrow(/pseudonymsFor/);
});

test('refuses a view for a role and purpose the role table does not allow', () => {
  const views = [{ name: 'odd', role: 'ANALYST' as const, purpose: 'CUSTOMER_SERVICE' as const }];
  expect(() => generatePrivacyViews(catalog, privacyNames(), views)).toThrow(/ANALYST may not act for CUSTOMER_SERVICE/);
});

test('refuses a newly annotated field that some view would show but that has no SQL source', () => {
  const altered = withSdl((sdl) => sdl.replace('  segment: String @personal', '  nickname: String @personal(purposes: [CUSTOMER_SERVICE], mask: INITIALS)\n  segment: String @personal'));
  expect(() => generatePrivacyViews(altered, privacyNames())).toThrow(/Customer\.nickname is shown but has no SQL source/);
});
