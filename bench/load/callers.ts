// Who calls during a load run and what each asks. Every client is a caller of
// its own (a distinct principal), playing one role with one of its
// applications; it cycles through its role's requests, and one request in ten
// is one privql must refuse: a purpose the role may not use, no token, or a
// token with a broken signature.

import { mintToken } from '../../src/auth/token';
import { ROLE_POLICY, purposesOf } from '../../src/policy/roles';
import type { Role } from '../../src/policy/vocabulary';
import { DEMO_APPLICATIONS } from '../../seeds/generate';

/** What a response should carry: customer records, access-log entries, or nothing (a refusal). */
export type Expectation = 'customers' | 'accessLog' | 'refused';

export interface LoadRequest {
  /** e.g. "AGENT customers", for the report. */
  name: string;
  caller: Caller;
  expect: Expectation;
  headers: Record<string, string>;
  body: string;
}

export interface Caller {
  role: Role;
  app: string;
  /** The principal; for a CUSTOMER, their customer id. */
  sub: string;
  purpose: string;
  token: string;
}

interface Ask {
  name: string;
  expect: Expectation;
  query: string;
  /** A real customer id the request may name (a lookup, a log filter). */
  variables?: (customerId: string) => Record<string, unknown>;
}

const ASKS: Record<string, Ask[]> = {
  AGENT: [
    { name: 'customers', expect: 'customers', query: '{ customers(first: 20) { nodes { id name email phone religion orders { amount } } } }' },
    { name: 'customer(id)', expect: 'customers', query: 'query($id: ID!) { customer(id: $id) { id name email religion } }', variables: (id) => ({ id }) },
  ],
  MARKETER: [{ name: 'customers', expect: 'customers', query: '{ customers(first: 20) { nodes { id name email segment religion } } }' }],
  DECISION_ENGINE: [{ name: 'customers', expect: 'customers', query: '{ customers(first: 20) { nodes { id age estimatedIncome segment religion } } }' }],
  PARTNER: [{ name: 'customers', expect: 'customers', query: '{ customers(first: 20) { nodes { id name email city age segment religion } } }' }],
  ANALYST: [{ name: 'customers', expect: 'customers', query: '{ customers(first: 50) { nodes { id name email segment age religion } } }' }],
  OFFICER: [
    { name: 'customers', expect: 'customers', query: '{ customers(first: 10) { nodes { id name religion } } }' },
    {
      name: 'accessLog(subjectId)',
      expect: 'accessLog',
      query: 'query($id: ID!) { accessLog(subjectId: $id, first: 10) { nodes { requestId role purpose subjectId fields { field action } } } }',
      variables: (id) => ({ id }),
    },
  ],
  CUSTOMER: [{ name: 'me', expect: 'customers', query: '{ me { id name email religion } }' }],
  AUDITOR: [{ name: 'accessLog', expect: 'accessLog', query: '{ accessLog(first: 10) { nodes { requestId role purpose subjectId } } }' }],
};

/** How clients are spread over roles (round robin): agents twice, as in a contact centre. */
const ROLE_MIX: Role[] = ['AGENT', 'AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER', 'CUSTOMER', 'AUDITOR'];
const CYCLE = 10;

export interface CallerOptions {
  clients: number;
  jwtSecret: string;
  /** Real customer ids, to look up, filter by and be. */
  customerIds: readonly string[];
  /** Seconds the tokens must stay valid. */
  validFor: number;
}

/** One list of requests per client, cycled by that client for the whole run. */
export async function clientRequests(options: CallerOptions): Promise<LoadRequest[][]> {
  const out: LoadRequest[][] = [];
  for (let i = 0; i < options.clients; i++) {
    const role = ROLE_MIX[i % ROLE_MIX.length];
    const apps = DEMO_APPLICATIONS.filter((a) => a.role === role).map((a) => a.id);
    const customerId = options.customerIds[(i * 7919) % options.customerIds.length];
    const sub = role === 'CUSTOMER' ? customerId : `load-${role.toLowerCase()}-${i}`;
    const app = apps[i % apps.length];
    const purpose = purposesOf(ROLE_POLICY, role)[0];
    const token = await mintToken({ secret: options.jwtSecret, sub, role, app, expiresIn: options.validFor });
    const caller: Caller = { role, app, sub, purpose, token };
    const asks = ASKS[role];
    const requests: LoadRequest[] = [];
    for (let k = 0; k < CYCLE - 1; k++) {
      const ask = asks[k % asks.length];
      requests.push(request(caller, `${role} ${ask.name}`, ask.expect, ask.query, ask.variables?.(customerId), { purpose, token }));
    }
    requests.push(refusal(caller, i, asks[0], customerId));
    out.push(requests);
  }
  return out;
}

function refusal(caller: Caller, i: number, ask: Ask, customerId: string): LoadRequest {
  const { query } = ask;
  const variables = ask.variables?.(customerId);
  switch (i % 3) {
    case 0: {
      const foreign = caller.role === 'MARKETER' ? 'ANALYTICS' : 'DIRECT_MARKETING';
      return request(caller, `refused: ${caller.role} for ${foreign}`, 'refused', query, variables, { purpose: foreign, token: caller.token });
    }
    case 1:
      return request(caller, 'refused: no token', 'refused', query, variables, { purpose: caller.purpose, token: null });
    default: {
      const forged = caller.token.slice(0, -4) + (caller.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      return request(caller, 'refused: broken signature', 'refused', query, variables, { purpose: caller.purpose, token: forged });
    }
  }
}

function request(
  caller: Caller,
  name: string,
  expect: Expectation,
  query: string,
  variables: Record<string, unknown> | undefined,
  auth: { purpose: string; token: string | null },
): LoadRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-purpose': auth.purpose };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  return { name, caller, expect, headers, body: JSON.stringify(variables ? { query, variables } : { query }) };
}
