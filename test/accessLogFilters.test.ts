// Typed access-log filters (issue 10, item 3): role, purpose and outcome are
// enums, so a typo is refused naming the allowed values instead of silently
// matching nothing; detail is a JSON object, not a string holding JSON.

import { startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 40 });
  // Something of each kind to find: reads (with customers an opt-out left out) and a refusal.
  await h.graphql('{ customers(first: 40) { nodes { id email } } }', { role: 'MARKETER' });
  await h.graphql('{ customers(first: 2) { nodes { id } } }', { role: 'AGENT' });
  await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT', purpose: 'ANALYTICS' });
});
afterAll(() => h?.close());

const TYPES: Record<string, string> = { role: 'Role', outcome: 'AccessOutcome' };
const log = (args: string, variables: Record<string, unknown> = {}) => {
  const declared = Object.keys(variables).map((name) => `$${name}: ${TYPES[name]}`);
  const head = declared.length > 0 ? `query(${declared.join(', ')})` : 'query';
  return h.graphql(`${head} { accessLog(first: 500${args}) { nodes { role outcome subjectId detail } } }`, { role: 'OFFICER', variables });
};

describe('an unknown value is refused, listing the allowed ones', () => {
  test.each([
    ['role', ', role: ANALYS', /Value "?ANALYS"? does not exist in "Role" enum; allowed values: AGENT, MARKETER, DECISION_ENGINE, PARTNER, ANALYST, OFFICER, CUSTOMER, AUDITOR\./],
    ['purpose', ', purpose: CUSTOMER_SERVIC', /does not exist in "Purpose" enum; allowed values: CUSTOMER_SERVICE, DIRECT_MARKETING, /],
    ['outcome', ', outcome: REED', /does not exist in "AccessOutcome" enum; allowed values: READ, EXCLUDED, DENIED, CHECKPOINT, AGGREGATE, EXPORT, CHANGE\./],
  ])('%s as a literal', async (_name, args, message) => {
    const res = await log(args);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors![0].message).toMatch(message);
    expect(res.body.errors![0].message).not.toMatch(/Did you mean|Suggestion hidden/);
  });

  test('role as a variable, and a quoted string where an enum belongs', async () => {
    const asVariable = await log(', role: $role', { role: 'ANALYS' });
    expect(asVariable.status).toBe(400);
    expect(asVariable.body.errors![0].message).toMatch(/"ANALYS" does not exist in "Role" enum; allowed values: AGENT, /);
    expect(asVariable.body.errors![0].extensions!.allowedValues).toContain('ANALYST');
    const quoted = await log(', role: "AGENT"');
    expect(quoted.status).toBe(400);
    expect(quoted.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('filters that match', () => {
  test('role: only that role', async () => {
    const nodes = (await log(', role: $role', { role: 'MARKETER' })).body.data!.accessLog.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    expect(new Set(nodes.map((n: { role: string }) => n.role))).toEqual(new Set(['MARKETER']));
  });

  test.each(['READ', 'EXCLUDED', 'DENIED'])('outcome %s: only entries of that outcome', async (outcome) => {
    const res = await log(', outcome: $outcome', { outcome });
    const nodes = res.body.data!.accessLog.nodes as Array<{ outcome: string }>;
    expect(nodes.length).toBeGreaterThan(0);
    expect(new Set(nodes.map((n) => n.outcome))).toEqual(new Set([outcome]));
  });

  test('detail is an object, not a string of JSON', async () => {
    const nodes = (await log(', outcome: DENIED')).body.data!.accessLog.nodes;
    expect(nodes[0].detail).toMatchObject({ code: 'FORBIDDEN', reason: 'PURPOSE_NOT_ALLOWED' });
  });
});
