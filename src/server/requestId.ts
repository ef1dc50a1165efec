// Every response names its request: an `X-Request-Id` header on every HTTP
// answer (pages, 404s, express's own refusals included) and
// `extensions.requestId` in every GraphQL-shaped JSON body, so a client or
// an operator can find the request's access-log record.
//
// The server's id is always a fresh UUID: it is the log's request_id, and a
// client must not be able to choose it (it could make its requests look like
// someone else's). A client may send its own `X-Request-Id` to correlate with
// its logs: a well-formed one (1–64 of A–Z a–z 0–9 . _ -) is echoed in the
// header and as `extensions.clientRequestId`, and recorded in the access
// record's detail; anything else is ignored, never echoed (no header
// injection, no control characters, no unbounded values in the log).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface RequestIds {
  /** The server's UUID: the access log's request_id. */
  requestId: string;
  /** The client's X-Request-Id, when well-formed. */
  clientRequestId?: string;
}

const idsOfRequest = new WeakMap<object, RequestIds>();

export function clientRequestIdOf(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? undefined : value;
  return id !== undefined && CLIENT_REQUEST_ID.test(id) ? id : undefined;
}

/** The ids of this request: assigned once, by the first to ask (the middleware, normally). */
export function requestIdsOf(req: Pick<IncomingMessage, 'headers'>): RequestIds {
  let ids = idsOfRequest.get(req);
  if (!ids) {
    const clientRequestId = clientRequestIdOf(req.headers['x-request-id']);
    ids = { requestId: randomUUID(), ...(clientRequestId ? { clientRequestId } : {}) };
    idsOfRequest.set(req, ids);
  }
  return ids;
}

/** What goes in a response's extensions. */
export function idExtensions(ids: RequestIds): Record<string, string> {
  return { requestId: ids.requestId, ...(ids.clientRequestId ? { clientRequestId: ids.clientRequestId } : {}) };
}

/**
 * First middleware of the app: sets the header, and makes sure a JSON body
 * in GraphQL's shape (`data` or `errors`) names the request even when it was
 * written outside the GraphQL server's plugins (a refused context, the
 * public notice route, a 404, an unparseable body).
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const ids = requestIdsOf(req);
  res.setHeader('X-Request-Id', ids.clientRequestId ?? ids.requestId);
  const send = res.send.bind(res);
  res.send = (body?: unknown) => send(typeof body === 'string' ? stamped(body, ids, String(res.getHeader('content-type') ?? '')) : body);
  next();
}

function stamped(body: string, ids: RequestIds, contentType: string): string {
  if (!contentType.includes('json') || !body.startsWith('{') || carriesId(body, ids)) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (!parsed || typeof parsed !== 'object' || !('errors' in parsed || 'data' in parsed)) return body;
  const result = parsed as { extensions?: Record<string, unknown> };
  return JSON.stringify({ ...result, extensions: { ...result.extensions, ...idExtensions(ids) } });
}

/**
 * Whether the body's top-level extensions already name the request (the
 * GraphQL plugin's usual answer). Apollo writes extensions last, and outside
 * a JSON string `"extensions":` can only be a key, so the last one is the
 * top level's (or, without one, an alias's: then the id is simply not found
 * and the body is stamped). Only that tail is searched, from the end: a
 * large answer is not scanned (about 1 ms per MB). The id is a random UUID,
 * so finding it means it is there.
 */
function carriesId(body: string, ids: RequestIds): boolean {
  const at = body.lastIndexOf('"extensions":');
  return at >= 0 && body.includes(ids.requestId, at);
}
