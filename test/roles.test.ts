// What each role of the design's table (DESIGN.md §1-§3) notices when it reads
// every field of every customer over HTTP. Expectations come from the database
// rows and from the design's field table and 7-step rule, re-stated here on
// purpose: the server's own catalog and policy code are what is under test.

import { isDeepStrictEqual } from 'node:util';
import { demoAppFor } from '../src/auth/demoApps';
import { startHarness, PURPOSE_OF, type Harness, type GraphQLResponse } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Spec { purposes: string[]; mask?: string; anonymize?: string; sensitive?: boolean; of?: Record<string, Spec>; width?: number }
interface Decision { action: 'CLEAR' | 'MASKED' | 'ANONYMIZED' | 'OMITTED'; strategy: string | null }

const [CS, DM, AD, TPD] = ['CUSTOMER_SERVICE', 'DIRECT_MARKETING', 'AUTOMATED_DECISION', 'THIRD_PARTY_DISCLOSURE'];
const ALL_PURPOSES = Object.values(PURPOSE_OF);
const ALL_BUT_ANON = ALL_PURPOSES.filter((p) => p !== 'ANALYTICS' && p !== TPD);
const spec = (purposes: string[], mask?: string, anonymize?: string, of?: Record<string, Spec>): Spec => ({ purposes, mask, anonymize, of });
const sensitive: Spec = { purposes: [], sensitive: true };
// Order fields: the design says each is "classified in turn"; these are schema/customer.graphql's
// (anonymous views get no order id: data minimization).
const ORDER: Record<string, Spec> = {
  id: spec(ALL_BUT_ANON, undefined, 'SUPPRESS'),
  placedAt: spec([CS, DM, AD], 'YEAR', 'YEAR'),
  amount: { ...spec([CS, DM, AD], 'BAND', 'BAND'), width: 50 },
  category: spec([CS, DM, AD], undefined, 'KEEP'),
  channel: spec([CS, DM, AD], undefined, 'KEEP'),
};
const OPT_OUT_KIND: Record<string, string> = { directMarketing: DM, thirdPartyDisclosure: TPD, automatedDecision: AD, sensitiveDataUse: 'SENSITIVE_DATA_USE' };
const FIELD_OF_KIND = Object.fromEntries(Object.entries(OPT_OUT_KIND).map(([f, k]) => [k, f]));
const OPT_OUTS = Object.fromEntries(Object.keys(OPT_OUT_KIND).map((k) => [k, spec([CS, DM, AD], undefined, 'SUPPRESS')]));
// The customer profile table of DESIGN.md §1.
const CUSTOMER: Record<string, Spec> = {
  id: spec(ALL_BUT_ANON, undefined, 'PSEUDONYM'),
  accountNumber: spec([CS], 'LAST4', 'SUPPRESS'),
  name: spec([CS, DM], 'INITIALS', 'SUPPRESS'),
  email: spec([CS, DM], 'EMAIL', 'SUPPRESS'),
  phone: spec([CS], 'LAST4', 'SUPPRESS'),
  street: spec([CS], 'REDACT', 'SUPPRESS'),
  city: spec([CS, DM, TPD], 'REDACT', 'KEEP'),
  postalCode: spec([CS], 'PREFIX', 'PREFIX'),
  birthDate: spec([CS], 'YEAR', 'YEAR'),
  // Band widths are the anonymity policy's, fixed per field.
  age: { ...spec([CS, DM, AD, TPD], 'BAND', 'BAND'), width: 5 },
  estimatedIncome: { ...spec([AD], 'BAND', 'BAND'), width: 10_000 },
  shoppingHabits: spec([CS, DM], 'REDACT', 'KEEP'),
  segment: spec(ALL_PURPOSES, undefined, 'KEEP'),
  ethnicity: sensitive,
  religion: sensitive,
  optOuts: spec([CS, DM, AD], undefined, 'SUPPRESS', OPT_OUTS),
  orders: spec([CS, DM, AD], undefined, 'KEEP', ORDER),
};
// §3: the view each role's purpose selects, and the opt-out kind whose rows it removes.
const VIEWS: Record<string, { view: string; excludes?: string }> = {
  AGENT: { view: 'STANDARD' },
  MARKETER: { view: 'OPT_OUT', excludes: DM },
  DECISION_ENGINE: { view: 'OPT_OUT', excludes: AD },
  PARTNER: { view: 'SELECTIVE_ANONYMIZATION', excludes: TPD },
  ANALYST: { view: 'ANONYMOUS' },
  OFFICER: { view: 'PERSONAL_DATA' },
  CUSTOMER: { view: 'PERSONAL_DATA' },
};
const STAFF = ['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER'];
const selection = (specs: Record<string, Spec>): string =>
  Object.entries(specs).map(([f, s]) => (s.of ? `${f} { ${selection(s.of)} }` : f)).join(' ');
const FIELDS = selection(CUSTOMER);

const CLEAR: Decision = { action: 'CLEAR', strategy: null };
const OMIT: Decision = { action: 'OMITTED', strategy: null };
/** Steps 2-7 of the decision rule (step 1, row exclusion, is the visible set). */
function decide(s: Spec, role: string): Decision {
  const { view } = VIEWS[role]!;
  const purpose = PURPOSE_OF[role]!;
  if (view === 'PERSONAL_DATA') return CLEAR;
  // Sensitive fields have no purpose by default: omitted whatever the customer's opt-out.
  if (s.sensitive) return view !== 'ANONYMOUS' && s.purposes.includes(purpose) ? CLEAR : OMIT;
  const anonymized: Decision = !s.anonymize || s.anonymize === 'SUPPRESS' ? OMIT : { action: 'ANONYMIZED', strategy: s.anonymize };
  if (view === 'ANONYMOUS') return anonymized;
  if (s.purposes.includes(purpose)) return CLEAR;
  if (view === 'SELECTIVE_ANONYMIZATION') return anonymized;
  return s.mask ? { action: 'MASKED', strategy: s.mask } : OMIT;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Lower bound of the field's fixed-width band: 37 → 35 (width 5), 62,400 → 60,000 (width 10,000). */
const band = (x: number, width: number) => Math.floor(x / width) * width;
const initials = (s: string) => s.normalize('NFC').split(/\s+/).filter(Boolean).map((w) => `${Array.from(w)[0]!.toUpperCase()}.`).join(' ');
const sameClear = (raw: unknown, v: unknown) =>
  typeof raw === 'string' && /^\d{4}-\d\d-\d\dT/.test(raw) ? typeof v === 'string' && Date.parse(v) === Date.parse(raw) : isDeepStrictEqual(v, raw);

/**
 * Whether `v` has the documented shape of `raw` under decision `d`. For the
 * analyst `raw` is the customer's row of the anonymous release, already
 * generalized to the release's levels: BAND, PREFIX and YEAR give it as is.
 */
function expectedShape(d: Decision, raw: Json, v: Json, width = NaN, generalized = false): boolean {
  if (d.action === 'CLEAR' || d.strategy === 'KEEP') return sameClear(raw, v);
  if (generalized && ['BAND', 'PREFIX', 'YEAR'].includes(d.strategy!)) return isDeepStrictEqual(v, raw);
  if (d.action === 'OMITTED') return v === null;
  const s = String(raw);
  const chars = Array.from(s);
  const matches = (re: string) => typeof v === 'string' && new RegExp(re, 'u').test(v);
  switch (d.strategy) {
    case 'LAST4': return matches(`^\\*+${esc(chars.slice(-4).join(''))}$`);
    case 'EMAIL': return matches(`^${esc(chars[0]!)}\\*+${esc(s.slice(s.lastIndexOf('@')))}$`);
    case 'INITIALS': return v === initials(s);
    case 'REDACT': return Array.isArray(raw) ? Array.isArray(v) && v.length > 0 && v.every((x) => x === '[REDACTED]') : v === '[REDACTED]';
    case 'PREFIX': return matches(`^${esc(chars.slice(0, 2).join(''))}\\*+$`);
    case 'YEAR': return v === s.slice(0, 4);
    case 'BAND': return v === band(Number(raw), width);
    case 'PSEUDONYM': return matches('^psn_[A-Za-z0-9_-]{16,}$') && !v.includes(s);
    default: return false;
  }
}

/** Every field of `actual` that is not what `role` should see of `raw`. */
function mismatches(specs: Record<string, Spec>, role: string, raw: Json, actual: Json, path = ''): string[] {
  const out: string[] = [];
  for (const [field, s] of Object.entries(specs)) {
    const d = decide(s, role);
    const [r, a, at] = [raw[field], actual?.[field], `${path}${field}`];
    if (!s.of || d.action === 'OMITTED') {
      if (!expectedShape(d, r, a, s.width, role === 'ANALYST')) out.push(`${at}: ${d.action} ${d.strategy ?? ''} of ${JSON.stringify(r)} came back as ${JSON.stringify(a)}`);
    } else if (r === null) {
      // The release suppressed the customer's orders.
      if (a !== null) out.push(`${at}: suppressed, got ${JSON.stringify(a)}`);
    } else if (!Array.isArray(r)) {
      out.push(...mismatches(s.of, role, r, a, `${at}.`));
    } else if (!Array.isArray(a) || a.length !== r.length) {
      out.push(`${at}: ${r.length} expected, got ${JSON.stringify(a)}`);
    } else {
      const left = [...r];
      for (const item of a) {
        const i = left.findIndex((o) => mismatches(s.of!, role, o, item).length === 0);
        if (i < 0) out.push(`${at}: ${JSON.stringify(item)} is none of the customer's orders`);
        else left.splice(i, 1);
      }
    }
  }
  return out;
}

let h: Harness;
let raws: Json[];
let byId: Map<string, Json>;
let sensitiveValues: string[];
/** The anonymous release's rows, named like the GraphQL fields: what the analyst is served. */
let releasedRaws: Json[];
const optedOut = (kind: string) => new Set(raws.filter((c) => c.optOuts[FIELD_OF_KIND[kind]!]).map((c) => c.id));
const visibleTo = (role: string) => raws.filter((c) => !VIEWS[role]!.excludes || !optedOut(VIEWS[role]!.excludes!).has(c.id));

beforeAll(async () => {
  h = await startHarness();
  const k = h.db.knex;
  raws = (await k.raw(`select id, account_number as "accountNumber", name, email, phone, street, city, postal_code as "postalCode",
      to_char(birth_date, 'YYYY-MM-DD') as "birthDate", date_part('year', age(current_date, birth_date))::int as age,
      estimated_income as "estimatedIncome", shopping_habits as "shoppingHabits", segment, ethnicity, religion from customers`)).rows;
  byId = new Map(raws.map((c) => [c.id, { ...c, orders: [], optOuts: { directMarketing: false, thirdPartyDisclosure: false, automatedDecision: false, sensitiveDataUse: true } }]));
  raws = [...byId.values()];
  for (const o of (await k.raw(`select id, customer_id, to_char(placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "placedAt",
      amount::text as amount, category, channel from orders`)).rows) {
    byId.get(o.customer_id).orders.push({ id: o.id, placedAt: o.placedAt, amount: Number(o.amount), category: o.category, channel: o.channel });
  }
  for (const o of (await k.raw('select customer_id, kind, opted_out from opt_outs')).rows) byId.get(o.customer_id).optOuts[FIELD_OF_KIND[o.kind]!] = o.opted_out;
  releasedRaws = (await k.raw(`select customer_id as id, city, postal_code as "postalCode", birth_date as "birthDate", age,
      estimated_income as "estimatedIncome", shopping_habits as "shoppingHabits", segment, orders from anonymous_release`)).rows;
  sensitiveValues = [...new Set(raws.flatMap((c) => [c.ethnicity, c.religion]).filter((v): v is string => !!v))];
});
afterAll(() => h?.close());

interface Page { res: GraphQLResponse; nodes: Json[] }
const fetched = new Map<string, Promise<Page[]>>();
/** Every page of customers { FIELDS } for a role (and app), cached per file. */
function allPages(role: string, app?: string): Promise<Page[]> {
  const key = `${role}/${app ?? demoAppFor(role)}`;
  if (!fetched.has(key)) fetched.set(key, (async () => {
    const pages: Page[] = [];
    for (let after: string | null = null; pages.length === 0 || after;) {
      const res = await h.graphql(`query($after: String) { customers(first: 100, after: $after) { nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } } }`, { role, app, variables: { after } });
      expect(res.body.errors).toBeUndefined();
      const c = res.body.data!.customers;
      pages.push({ res, nodes: c.nodes });
      after = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
    }
    return pages;
  })());
  return fetched.get(key)!;
}
const nodesOf = async (role: string, app?: string) => (await allPages(role, app)).flatMap((p) => p.nodes);
const idsVisible = (role: string) => decide(CUSTOMER.id!, role).action === 'CLEAR';

/** Pairs each returned record with its customer: by id, or (pseudonymous views) by fitting one unpaired candidate. */
function unmatched(role: string, nodes: Json[], candidates: Json[]): string[] {
  const problems: string[] = [];
  const left = [...candidates];
  for (const node of nodes) {
    const i = idsVisible(role) ? left.findIndex((c) => c.id === node.id) : left.findIndex((c) => mismatches(CUSTOMER, role, c, node).length === 0);
    if (i < 0) problems.push(`no candidate customer for ${JSON.stringify(node).slice(0, 300)}`);
    else problems.push(...mismatches(CUSTOMER, role, left.splice(i, 1)[0], node).map((m) => `${node.id}: ${m}`));
  }
  return problems;
}

describe.each(STAFF)('%s reading every field of every customer', (role) => {
  test('each field is in clear, masked, anonymized or null exactly as the design table says', async () => {
    const nodes = await nodesOf(role);
    expect(nodes.length).toBeGreaterThan(0);
    expect(unmatched(role, nodes, role === 'ANALYST' ? releasedRaws : raws)).toEqual([]);
  });

  test('extensions.privacy names the view, purpose and every withheld field with its action and reason', async () => {
    for (const { res, nodes } of await allPages(role)) {
      const privacy = res.body.extensions?.privacy;
      expect(res.body.extensions?.requestId).toEqual(expect.any(String));
      expect(privacy).toMatchObject({ view: VIEWS[role]!.view, purpose: PURPOSE_OF[role] });
      expect(privacy.excludesOptedOutOf ?? null).toBe(VIEWS[role]!.excludes ?? null);
      const expected: Record<string, Json> = {};
      const add = (type: string, specs: Record<string, Spec>, customers: number) => {
        for (const [f, s] of Object.entries(specs)) {
          const d = decide(s, role);
          // Kept as is (anonymized with KEEP) is shown, not withheld.
          const shown = d.action === 'CLEAR' || (d.action === 'ANONYMIZED' && d.strategy === 'KEEP');
          if (!shown && customers > 0) expected[`${type}.${f}`] = { actions: [`${d.action} ${d.strategy}`], customers };
        }
      };
      add('Customer', CUSTOMER, nodes.length);
      if (decide(CUSTOMER.orders!, role).action !== 'OMITTED') add('Order', ORDER, nodes.filter((n) => (n.orders ?? []).length > 0).length);
      if (decide(CUSTOMER.optOuts!, role).action !== 'OMITTED') add('OptOuts', OPT_OUTS, nodes.length);
      const actual: Record<string, Json> = {};
      for (const w of privacy.withheld) {
        expect(w.reason).toMatch(/\w/);
        const a = (actual[w.field] ??= { actions: [], customers: 0 });
        if (!a.actions.includes(`${w.action} ${w.strategy}`)) a.actions.push(`${w.action} ${w.strategy}`);
        a.customers += w.customers;
      }
      expect(actual).toEqual(expected);
    }
  });
});

describe('opted-out customers', () => {
  test.each([['MARKETER', DM], ['DECISION_ENGINE', AD]])('%s never sees a customer opted out of %s, and sees every other one', async (role, kind) => {
    const ids = (await nodesOf(role)).map((n) => n.id);
    const out = optedOut(kind);
    expect(out.size).toBeGreaterThan(0);
    expect(ids.filter((id) => out.has(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(raws.filter((c) => !out.has(c.id)).map((c) => c.id)));
  });

  test('PARTNER gets one pseudonymous record per customer not opted out of third-party disclosure', async () => {
    const nodes = await nodesOf('PARTNER');
    const out = optedOut(TPD);
    expect(out.size).toBeGreaterThan(0);
    expect(nodes).toHaveLength(raws.length - out.size);
    expect(unmatched('PARTNER', nodes, raws.filter((c) => !out.has(c.id)))).toEqual([]);
  });

  test.each(['AGENT', 'OFFICER'])('%s sees every customer, opted out or not', async (role) => {
    const ids = new Set((await nodesOf(role)).map((n) => n.id));
    const [{ count }] = (await h.db.knex.raw('select count(*)::int as count from customers')).rows;
    expect(ids.size).toBe(count);
    for (const kind of [DM, AD, TPD]) for (const id of optedOut(kind)) expect(ids.has(id)).toBe(true);
  });
});

describe('sensitive values (ethnicity, religion)', () => {
  const leaks = (texts: string[]) => sensitiveValues.filter((v) => texts.some((t) => t.includes(v)));

  test('the seeded data holds sensitive values, and OFFICER receives every one of them', async () => {
    expect(sensitiveValues.length).toBeGreaterThan(3);
    expect(leaks((await allPages('OFFICER')).map((p) => p.res.text))).toEqual(sensitiveValues);
  });

  test.each([
    { role: 'AGENT', app: 'crm-console' }, { role: 'MARKETER', app: 'campaign-manager' }, { role: 'DECISION_ENGINE', app: 'credit-scoring' },
    { role: 'ANALYST', app: 'bi-workbench' }, { role: 'PARTNER', app: 'partner-portal' }, { role: 'PARTNER', app: 'partner-insights' },
  ])('no response to $role ($app) contains any of them', async ({ role, app }) => {
    expect(leaks((await allPages(role, app)).map((p) => p.res.text))).toEqual([]);
  });

  test('a customer reads their own record in full through me, sensitive values included', async () => {
    const picks = [
      raws.find((c) => c.ethnicity && c.religion && !c.optOuts.sensitiveDataUse),
      raws.find((c) => c.ethnicity && c.religion && c.optOuts.sensitiveDataUse),
      raws.find((c) => c.optOuts.directMarketing && c.optOuts.thirdPartyDisclosure && c.optOuts.automatedDecision),
    ];
    for (const c of picks) {
      expect(c).toBeDefined();
      const res = await h.graphql(`{ me { ${FIELDS} } }`, { role: 'CUSTOMER', sub: c.id });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.me.id).toBe(c.id);
      expect(mismatches(CUSTOMER, 'CUSTOMER', c, res.body.data!.me)).toEqual([]);
      const others = sensitiveValues.filter((v) => v !== c.ethnicity && v !== c.religion);
      expect(others.filter((v) => res.text.includes(v))).toEqual([]);
    }
  });

  test('a customer cannot read another customer, and me with a sub that is no customer is null', async () => {
    const [mine, other] = [raws[0], raws[1]];
    for (const q of [`{ customers(first: 500) { nodes { id name ethnicity religion } } }`, `{ customer(id: "${other.id}") { id name ethnicity religion } }`]) {
      const res = await h.graphql(q, { role: 'CUSTOMER', sub: mine.id });
      expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(Object.values(res.body.data ?? {}).filter((v) => v !== null)).toEqual([]);
      expect(leaks([res.text])).toEqual([]);
      expect(res.text).not.toContain(other.name);
    }
    for (const sub of ['customer-1', '00000000-0000-4000-8000-000000000000']) {
      const res = await h.graphql(`{ me { id name ethnicity religion } }`, { role: 'CUSTOMER', sub });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).toEqual({ me: null });
    }
  });
});
