// What the hostile corpus is made of: a request as raw as HTTP allows (any
// header, any bytes, or bytes written straight to a socket), its expected
// status and code, and a kit that mints what the cases need (tokens of every
// shape, cursors issued to other callers).

import http from 'node:http';
import net from 'node:net';
import { SignJWT } from 'jose';

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Bytes written to a TCP socket as they are, for what no HTTP client will send. */
  socket?: Buffer;
}

export interface HostileCase {
  name: string;
  /** Statuses a correct server may answer with (one, or a few where the standard leaves a choice). */
  status: number | number[];
  /** The extensions.code that must be among the errors; null: no error, and `empty` holds. */
  code: string | string[] | null;
  request(kit: Kit): RawRequest | Promise<RawRequest>;
  /** For code null: the root field whose result must be empty (an empty list, or null). */
  empty?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

export interface Kit {
  secret: string;
  customerId: string;
  token(role: string, o?: { app?: string; sub?: string; expiresIn?: number; secret?: string }): Promise<string>;
  /** A token with any claims, header and key. */
  jwt(claims: Record<string, unknown>, o?: { alg?: string; secret?: string; notBefore?: number; expiresIn?: number | null }): Promise<string>;
  /** pageInfo.endCursor of customers(first: 2) for this caller. */
  cursor(role: string, o?: { app?: string; sub?: string }): Promise<string>;
  /** pageInfo.endCursor of accessLog(first: 1) for the officer. */
  logCursor(): Promise<string>;
}

/** A GraphQL POST as a client would send it, with whatever went wrong in it. */
export function gql(
  query: string,
  o: { role?: string | null; purpose?: string | null; variables?: unknown; token?: (k: Kit) => Promise<string>; headers?: Record<string, string | string[]>; extra?: Record<string, unknown> } = {},
): HostileCase['request'] {
  return async (k) => {
    const role = o.role === undefined ? 'AGENT' : o.role;
    const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
    const token = o.token ? await o.token(k) : role ? await k.token(role) : null;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const purpose = o.purpose === undefined ? PURPOSE[role ?? ''] : o.purpose;
    if (purpose) headers['x-purpose'] = purpose;
    return { headers: { ...headers, ...o.headers }, body: JSON.stringify({ query, variables: o.variables, ...o.extra }) };
  };
}

/** A body sent as it is, with an AGENT's credentials. */
export function rawBody(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): HostileCase['request'] {
  return async (k) => ({ headers: { authorization: `Bearer ${await k.token('AGENT')}`, 'x-purpose': 'CUSTOMER_SERVICE', ...headers }, body });
}

export const PURPOSE: Record<string, string> = {
  AGENT: 'CUSTOMER_SERVICE',
  MARKETER: 'DIRECT_MARKETING',
  DECISION_ENGINE: 'AUTOMATED_DECISION',
  PARTNER: 'THIRD_PARTY_DISCLOSURE',
  ANALYST: 'ANALYTICS',
  OFFICER: 'PRIVACY_ADMINISTRATION',
  CUSTOMER: 'SELF_SERVICE',
  AUDITOR: 'SECURITY_REVIEW',
};

export async function signWith(secret: string, claims: Record<string, unknown>, o: { alg?: string; notBefore?: number; expiresIn?: number | null } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt(now);
  if (o.expiresIn !== null) jwt = jwt.setExpirationTime(now + (o.expiresIn ?? 600));
  if (o.notBefore !== undefined) jwt = jwt.setNotBefore(now + o.notBefore);
  return jwt.sign(new TextEncoder().encode(secret));
}

export async function send(base: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  const raw = r.socket ? await overSocket(url, r.socket) : await overHttp(url, r);
  let body: RawResponse['body'] = {};
  try {
    body = JSON.parse(raw.text);
  } catch {
    body = {};
  }
  return { ...raw, body };
}

function overHttp(url: URL, r: RawRequest): Promise<Omit<RawResponse, 'body'>> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: r.path ?? url.pathname, method: r.method ?? 'POST', headers: { accept: 'application/json', ...r.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

function overSocket(url: URL, bytes: Buffer): Promise<Omit<RawResponse, 'body'>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    const finish = () => {
      socket.destroy();
      const text = received.toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: {}, text: rest.join('\r\n\r\n') });
    };
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // Done once the first response is complete. Half-closing our side
      // instead would let Node close the connection before a slow answer.
      const end = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received.subarray(0, Math.max(end, 0)).toString('latin1'));
      if (end >= 0 && length && received.length >= end + 4 + Number(length[1])) finish();
    });
    socket.on('error', reject);
    socket.on('close', () => finish());
    socket.write(bytes);
  });
}
