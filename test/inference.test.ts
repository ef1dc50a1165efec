// Explanations must never say more than the values (issue 6, item 3). One
// customer per page (`first: 1`) is the sharpest probe: whatever differs in
// extensions.privacy between two such pages is a fact about that customer. For
// every role, pages whose values show the same thing must carry the same
// explanation; the only per-customer facts an explanation may reflect are
// ones the role's values already show (whether the customer has orders, and,
// for roles that see opt-outs, their consent to sensitive-data use).

import { startHarness, type GraphQLResponse, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ALL_FIELDS = `id accountNumber name email phone street city postalCode birthDate age estimatedIncome shoppingHabits segment ethnicity religion
  optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse } orders { id placedAt amount category channel }`;
const PAGE = `query($after: String) { customers(first: 1, after: $after) { nodes { ${ALL_FIELDS} } pageInfo { endCursor } } }`;
const SAMPLE = 60;
const ROLES = ['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER'];

let h: Harness;
let consented: Set<string>;

beforeAll(async () => {
  h = await startHarness({ customers: 120 });
  consented = new Set(await h.db.knex('opt_outs').where({ kind: 'SENSITIVE_DATA_USE', opted_out: false }).pluck('customer_id'));
});
afterAll(() => h?.close());

interface Probe {
  node: Json;
  privacy: Json;
  requestId: string;
}

async function onePerPage(role: string, app?: string): Promise<Probe[]> {
  const out: Probe[] = [];
  let after: string | null = null;
  while (out.length < SAMPLE) {
    const res: GraphQLResponse = await h.graphql(PAGE, { role, app, variables: { after } });
    expect(res.body.errors).toBeUndefined();
    const conn = res.body.data!.customers;
    if (conn.nodes.length === 0) break;
    out.push({ node: conn.nodes[0], privacy: res.body.extensions!.privacy, requestId: res.body.extensions!.requestId });
    after = conn.pageInfo.endCursor;
  }
  return out;
}

/** Who each probed row really is, from the access-log record of its request. */
async function subjectsOf(probes: Probe[]): Promise<string[]> {
  const rows = await h.db.knex('access_log').whereIn('request_id', probes.map((p) => p.requestId)).select('request_id', 'subject_ids');
  const byRequest = new Map(rows.map((r: Json) => [r.request_id, Array.isArray(r.subject_ids) ? r.subject_ids[0] : String(r.subject_ids).replace(/[{}]/g, '')]));
  return probes.map((p) => byRequest.get(p.requestId) as string);
}

/** What the values of one row show that an explanation could depend on. */
function visibleFacts(node: Json): string {
  return JSON.stringify({ hasOrders: Array.isArray(node.orders) ? node.orders.length > 0 : null, consent: node.optOuts?.sensitiveDataUse ?? null });
}

describe.each(ROLES)('%s', (role) => {
  test('single-customer pages that show the same thing carry the same explanation', async () => {
    const probes = await onePerPage(role);
    expect(probes).toHaveLength(SAMPLE);
    // The probe must span customers who consented and customers who did not, or it proves nothing.
    const subjects = await subjectsOf(probes);
    const consenting = subjects.filter((id) => consented.has(id)).length;
    expect(consenting).toBeGreaterThan(0);
    expect(consenting).toBeLessThan(SAMPLE);

    const explanations = new Map<string, Set<string>>();
    for (const p of probes) {
      const key = visibleFacts(p.node);
      (explanations.get(key) ?? explanations.set(key, new Set()).get(key)!).add(JSON.stringify(p.privacy));
    }
    for (const [facts, distinct] of explanations) expect({ facts, explanations: distinct.size }).toEqual({ facts, explanations: 1 });
  });
});

describe('what PARTNER and ANALYST are told about sensitive fields', () => {
  test.each([
    ['PARTNER', 'SENSITIVE_PURPOSE_NOT_ALLOWED'],
    ['ANALYST', 'SENSITIVE_ANONYMOUS_VIEW'],
  ])('%s: religion is withheld for a caller-level reason (%s), never SENSITIVE_DATA_USE_OPTED_OUT', async (role, reason) => {
    for (const p of await onePerPage(role)) {
      const religion = p.privacy.withheld.filter((w: Json) => w.field === 'Customer.religion');
      expect(religion).toEqual([expect.objectContaining({ action: 'OMITTED', reason, customers: 1 })]);
      expect(JSON.stringify(p.privacy)).not.toMatch(/OPTED_OUT|consent/i);
    }
  });

  test('fields returned unchanged (anonymized with KEEP) are not listed as withheld', async () => {
    const [analyst] = await onePerPage('ANALYST');
    const listed = analyst!.privacy.withheld.map((w: Json) => w.field);
    for (const kept of ['Customer.city', 'Customer.shoppingHabits', 'Customer.segment', 'Customer.orders', 'Order.category', 'Order.channel']) {
      expect(listed).not.toContain(kept);
    }
    expect(analyst!.privacy.withheld.filter((w: Json) => w.strategy === 'KEEP')).toEqual([]);
    // Fields that really were changed are still listed.
    expect(listed).toEqual(expect.arrayContaining(['Customer.age', 'Customer.id', 'Customer.email']));
  });
});

describe('roles that see opt-outs are told the per-customer reason', () => {
  test('AGENT: religion withheld because of the consent it can see in optOuts', async () => {
    for (const p of await onePerPage('AGENT')) {
      const religion = p.privacy.withheld.find((w: Json) => w.field === 'Customer.religion');
      expect(religion.reason).toBe(p.node.optOuts.sensitiveDataUse ? 'SENSITIVE_DATA_USE_OPTED_OUT' : 'SENSITIVE_PURPOSE_NOT_ALLOWED');
    }
  });
});
