// Masked values a UI can recognise (issue 10, item 5): each extensions.privacy
// entry says which values it covers — every value of its field, or the listed
// response paths — and what a masked value stands for. Listing paths must not
// tell a caller more than its values do: only a caller who sees a customer's
// consent gets per-row paths for a consent-dependent field.

import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 60 });
});
afterAll(() => h?.close());

const LIST = `{ customers(first: 40) { nodes { id religion estimatedIncome optOuts { sensitiveDataUse } } }
  again: customers(first: 3) { nodes { religion } } }`;

async function ask(role: string, query = LIST): Promise<{ data: Json; withheld: Json[] }> {
  const res = await h.graphql(query, { role });
  expect(res.body.errors).toBeUndefined();
  return { data: res.body.data, withheld: res.body.extensions!.privacy.withheld };
}

const entriesOf = (withheld: Json[], field: string) => withheld.filter((w) => w.field === field);

test('AGENT: a consent-dependent field lists, per reason, exactly the rows it applies to', async () => {
  const { data, withheld } = await ask('AGENT');
  const religion = entriesOf(withheld, 'Customer.religion');
  expect(religion.map((w) => w.reason).sort()).toEqual(['SENSITIVE_DATA_USE_OPTED_OUT', 'SENSITIVE_PURPOSE_NOT_ALLOWED']);
  const covered = new Set<string>();
  for (const entry of religion) {
    expect(entry.appliesTo).toBe('LISTED_PATHS');
    expect(entry.paths.length).toBeGreaterThanOrEqual(entry.customers);
    for (const path of entry.paths) {
      covered.add(JSON.stringify(path));
      const [root, , index, field] = path;
      expect(field).toBe('religion');
      if (root !== 'customers') continue; // the alias has no optOuts to compare with
      // The reason matches the consent the agent sees on that very row.
      const optedOut = data.customers.nodes[index].optOuts.sensitiveDataUse;
      expect(entry.reason).toBe(optedOut ? 'SENSITIVE_DATA_USE_OPTED_OUT' : 'SENSITIVE_PURPOSE_NOT_ALLOWED');
    }
  }
  // Every religion value of the response, under the alias too, is covered once.
  const expected = [
    ...data.customers.nodes.map((_: Json, i: number) => JSON.stringify(['customers', 'nodes', i, 'religion'])),
    ...data.again.nodes.map((_: Json, i: number) => JSON.stringify(['again', 'nodes', i, 'religion'])),
  ];
  expect([...covered].sort()).toEqual(expected.sort());
  expect(religion.reduce((n, w) => n + w.paths.length, 0)).toBe(expected.length);
});

test('a decision the same for every customer covers every value: no paths, and a band says what it stands for', async () => {
  const { data, withheld } = await ask('AGENT');
  const [income] = entriesOf(withheld, 'Customer.estimatedIncome');
  expect(income).toMatchObject({ action: 'MASKED', strategy: 'BAND', appliesTo: 'EVERY_VALUE' });
  expect(income.paths).toBeUndefined();
  expect(income.bandWidth).toBeGreaterThan(0);
  expect(income.shownAs).toContain(`a band ${income.bandWidth} wide`);
  for (const node of data.customers.nodes) {
    if (node.estimatedIncome !== null) expect(node.estimatedIncome % income.bandWidth).toBe(0);
  }
});

test('PARTNER and MARKETER-like views that cannot see consent get one entry covering every value, however consent divides the page', async () => {
  const { withheld } = await ask('PARTNER', '{ customers(first: 40) { nodes { religion ethnicity } } }');
  for (const field of ['Customer.religion', 'Customer.ethnicity']) {
    const entries = entriesOf(withheld, field);
    expect(entries).toHaveLength(1);
    expect(entries[0].appliesTo).toBe('EVERY_VALUE');
    expect(entries[0].paths).toBeUndefined();
  }
  expect(JSON.stringify(withheld)).not.toMatch(/OPTED_OUT|"paths"/);
});

test('every masked or anonymized entry says what its values stand for; an omitted one does not pretend to', async () => {
  for (const role of ['AGENT', 'MARKETER', 'PARTNER', 'ANALYST']) {
    const { withheld } = await ask(role, '{ customers(first: 10) { nodes { id accountNumber name email phone street postalCode birthDate age estimatedIncome religion } } }');
    expect(withheld.length).toBeGreaterThan(0);
    for (const entry of withheld) {
      if (entry.action === 'OMITTED') expect(entry.shownAs).toBeUndefined();
      else expect({ role, field: entry.field, shownAs: typeof entry.shownAs }).toEqual({ role, field: entry.field, shownAs: 'string' });
    }
  }
});

test('ANALYST: generalized fields are described at the release level, not the mask', async () => {
  const res = await h.graphql('{ customers(first: 5) { nodes { postalCode birthDate age } } }', { role: 'ANALYST' });
  expect(res.body.errors).toBeUndefined();
  const privacy = res.body.extensions!.privacy as Json;
  expect(privacy.release).toBeDefined();
  const postal = entriesOf(privacy.withheld, 'Customer.postalCode')[0];
  expect(postal.shownAs).toContain(`postalCode: ${privacy.release.levels.postalCode}`);
  const age = entriesOf(privacy.withheld, 'Customer.age')[0];
  // A banded release level gives the band; a suppressed one says so instead of a band that is not there.
  if (age.bandWidth !== undefined) expect(age.shownAs).toContain(`a band ${age.bandWidth} wide`);
  else expect(age.shownAs).toContain(`age: ${privacy.release.levels.age}`);
});

test('the paths are right on the compiled path too (one root field: the hot query shape)', async () => {
  const { data, withheld } = await ask('AGENT', '{ customers(first: 30) { edges { node { religion optOuts { sensitiveDataUse } } } } }');
  const religion = entriesOf(withheld, 'Customer.religion');
  expect(religion.length).toBe(2);
  const seen: string[] = [];
  for (const entry of religion) {
    for (const path of entry.paths) {
      expect(path).toEqual(['customers', 'edges', expect.any(Number), 'node', 'religion']);
      const optedOut = data.customers.edges[path[2]].node.optOuts.sensitiveDataUse;
      expect(entry.reason).toBe(optedOut ? 'SENSITIVE_DATA_USE_OPTED_OUT' : 'SENSITIVE_PURPOSE_NOT_ALLOWED');
      seen.push(String(path[2]));
    }
  }
  expect(seen.sort()).toEqual(data.customers.edges.map((_: Json, i: number) => String(i)).sort());
});
