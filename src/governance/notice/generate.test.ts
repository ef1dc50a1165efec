// The notice states exactly what the catalog and the policy say, compared
// against them (never against a list written here), and a changed annotation
// changes the notice and its hash.

import { DEMO_APPLICATIONS } from '../../../seeds/generate';
import { ANONYMITY_POLICY } from '../../policy/anonymity';
import { COLLECTION_POLICY, collectionChannelsOf } from '../../policy/collection';
import { ROLE_POLICY } from '../../policy/roles';
import { OPT_OUT_TERMS } from '../../selfService/optOuts';
import { buildPrivqlSchema, loadSchemaFiles } from '../../server/schema';
import { CLAUSE_KEYS, type NoticeClause } from './clauses';
import { DISCLOSURE_PURPOSE, type NoticeInputs } from './facts';
import { FIRST_VERSION, WORDING_ONLY, describeChanges } from './changes';
import { generateNotice, noticeHash } from './generate';

function inputsFor(typeDefs?: string[], officerContact = 'dpo@example.org'): NoticeInputs {
  const { catalog } = buildPrivqlSchema(typeDefs ? { typeDefs } : {});
  return { catalog, rolePolicy: ROLE_POLICY, collection: COLLECTION_POLICY, applications: DEMO_APPLICATIONS, optOutTerms: OPT_OUT_TERMS, officerContact, k: ANONYMITY_POLICY.k };
}

const clause = (clauses: NoticeClause[], key: string) => clauses.find((c) => c.key === key)!;
const codes = (c: NoticeClause) => c.sections.flatMap((s) => s.items.map((i) => i.code));
const sorted = <T>(xs: Iterable<T>) => [...xs].sort();

describe('the generated notice', () => {
  const inputs = inputsFor();
  const notice = generateNotice(inputs);
  const fields = [...inputs.catalog.fields.values()];

  test('has the six clauses, in order, each with words', () => {
    expect(notice.clauses.map((c) => c.key)).toEqual([...CLAUSE_KEYS]);
    for (const c of notice.clauses) expect(c.paragraphs.length + c.sections.flatMap((s) => s.items).length).toBeGreaterThan(0);
  });

  test('collection lists exactly the classified fields, each in its class, with its declared channels', () => {
    const collection = clause(notice.clauses, 'COLLECTION');
    const listed = collection.sections.slice(0, -1).flatMap((s) => s.items.map((i) => i.code));
    expect(sorted(listed)).toEqual(sorted(inputs.catalog.fields.keys()));
    for (const f of notice.facts.fields) {
      const policy = inputs.catalog.fields.get(f.coordinate)!;
      expect(f.classification).toBe(policy.classification);
      expect(sorted(f.purposes)).toEqual(sorted(policy.purposes));
      expect(sorted(f.channels)).toEqual(sorted(collectionChannelsOf(COLLECTION_POLICY, f.coordinate)));
    }
    const channels = new Set(fields.flatMap((f) => collectionChannelsOf(COLLECTION_POLICY, f.coordinate)));
    expect(sorted(codes(collection).filter((c) => channels.has(c as never)))).toEqual(sorted(channels));
    // Plain words: no field is labelled with its camelCase GraphQL name.
    expect(collection.sections.flatMap((s) => s.items.map((i) => i.label)).filter((label) => /[a-z][A-Z]/.test(label))).toEqual([]);
  });

  test('use lists, per class, exactly the purposes its fields were collected for', () => {
    const use = clause(notice.clauses, 'USE');
    for (const [index, cls] of (['identity', 'personal', 'sensitive'] as const).entries()) {
      const expected = new Set(fields.filter((f) => f.classification === cls).flatMap((f) => f.purposes));
      expect(sorted(use.sections[index].items.map((i) => i.code))).toEqual(sorted(expected));
    }
  });

  test('the recipients are the registered applications whose role discloses, with what they receive in clear', () => {
    const disclosing = DEMO_APPLICATIONS.filter((a) => ROLE_POLICY[a.role]?.[DISCLOSURE_PURPOSE]).map((a) => a.id);
    expect(disclosing.length).toBeGreaterThan(0);
    const use = clause(notice.clauses, 'USE');
    expect(sorted(use.sections[3].items.map((i) => i.code))).toEqual(sorted(disclosing));
    const inClear = fields.filter((f) => f.classification !== 'sensitive' && f.purposes.includes(DISCLOSURE_PURPOSE)).map((f) => f.coordinate);
    for (const r of notice.facts.recipients) expect(sorted(r.clearFields)).toEqual(sorted(inClear));
    expect(use.paragraphs.join(' ') + use.sections[3].paragraphs.join(' ')).toMatch(/confidential/);
  });

  test('control lists every opt-out with what it stops; access links to the self-service page; the officer is named', () => {
    const control = clause(notice.clauses, 'CONTROL');
    expect(codes(control)).toEqual(OPT_OUT_TERMS.map((t) => t.kind));
    expect(control.sections[0].items.map((i) => i.text)).toEqual(OPT_OUT_TERMS.map((t) => t.effect));
    const access = clause(notice.clauses, 'ACCESS');
    expect(codes(access)).toEqual(['VIEW', 'CORRECT', 'EXPORT', 'ERASE', 'CONTACT_PREFERENCES']);
    expect(access.sections[0].items.every((i) => i.link === '/')).toBe(true);
    const enforcement = clause(notice.clauses, 'ENFORCEMENT');
    expect(enforcement.sections[0].items[0]).toMatchObject({ text: 'dpo@example.org', link: 'mailto:dpo@example.org' });
    expect(clause(notice.clauses, 'SECURITY').sections[0].items.find((i) => i.code === 'ENCRYPTION_IN_TRANSIT')!.text).toMatch(/as deployed by the operator/);
  });

  test('the hash depends on the content only: regenerated or round-tripped through JSON (keys reordered), it is the same', () => {
    expect(noticeHash(generateNotice(inputsFor()))).toBe(noticeHash(notice));
    const reordered = JSON.parse(JSON.stringify(notice), (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v));
    expect(noticeHash(reordered)).toBe(noticeHash(notice));
    expect(describeChanges(null, notice)).toEqual([FIRST_VERSION]);
    expect(noticeHash(generateNotice(inputsFor(undefined, 'privacy@other.example')))).not.toBe(noticeHash(notice));
  });
});

test('changing one annotation in a copy of the schema changes the notice, and the change reads in plain words', () => {
  const before = generateNotice(inputsFor());
  const files = loadSchemaFiles();
  const annotated = /city: String @personal\(purposes: \[CUSTOMER_SERVICE, DIRECT_MARKETING, THIRD_PARTY_DISCLOSURE\]/;
  expect(files.some((f) => annotated.test(f))).toBe(true);
  const copy = files.map((f) => f.replace(annotated, 'city: String @personal(purposes: [CUSTOMER_SERVICE, DIRECT_MARKETING]'));
  const after = generateNotice(inputsFor(copy));
  expect(noticeHash(after)).not.toBe(noticeHash(before));
  expect(after.facts.fields.find((f) => f.coordinate === 'Customer.city')!.purposes).not.toContain(DISCLOSURE_PURPOSE);
  const changes = describeChanges(before, after);
  expect(changes).toContain('City (your customer record) is no longer used to give to partner companies, for their own offers to you.');
  expect(changes).toContain('Partner portal no longer receives city as it is.');
  expect(describeChanges(before, before)).toEqual([WORDING_ONLY]);
});

test('reclassifying a field to sensitive moves it and says so', () => {
  const copy = loadSchemaFiles().map((f) => f.replace(/segment: String @personal\([^)]*\)/, 'segment: String @sensitive'));
  const before = generateNotice(inputsFor());
  const after = generateNotice(inputsFor(copy));
  expect(after.facts.fields.find((f) => f.coordinate === 'Customer.segment')!.classification).toBe('sensitive');
  expect(describeChanges(before, after)).toEqual(expect.arrayContaining([expect.stringMatching(/^Segment \(your customer record\) is now treated as special categories \(was personal information\)\.$/)]));
});
