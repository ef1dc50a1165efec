// DNS rebinding: a web page on evil.example can re-point its own name at
// 127.0.0.1 and then talk to a server on this machine as if it were
// same-origin — to the demo token endpoint, say. The browser still sends
// `Host: evil.example`, so a server that answers only to the names it is
// known by cannot be reached that way.

import type { NextFunction, Request, Response } from 'express';
import { isLoopback } from '../config';

export interface HostCheckOptions {
  /** The server listens on loopback: loopback names are allowed. */
  loopback: boolean;
  /** Further names allowed (PRIVQL_ALLOWED_HOSTS). */
  allowed: readonly string[];
}

const refuse = (res: Response, status: number, message: string, reason: string) =>
  res.status(status).set('Cache-Control', 'no-store').json({ errors: [{ message, extensions: { code: status === 400 ? 'BAD_REQUEST' : 'FORBIDDEN', reason } }] });

/**
 * HTTP/1.1 requires a Host header. Node can refuse its absence itself, but
 * with an empty body; the server is created with requireHostHeader off and
 * this answers in privql's coded shape instead.
 */
export function requireHost(req: Request, res: Response, next: NextFunction) {
  if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
    refuse(res, 400, 'an HTTP/1.1 request needs a Host header', 'HOST_MISSING');
    return;
  }
  // Node keeps the first of several Host headers, and an absolute-form target
  // (POST http://evil.example/…) names a host of its own that HTTP says wins
  // over Host: either way the Host check would judge a name other than the one
  // the request is for. RFC 9112 answers both with 400.
  if (req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i].toLowerCase() === 'host').length > 1) {
    refuse(res, 400, 'a request must carry one Host header', 'HOST_AMBIGUOUS');
    return;
  }
  if (!req.originalUrl.startsWith('/')) {
    refuse(res, 400, 'the request target must be a path', 'HOST_AMBIGUOUS');
    return;
  }
  next();
}

/** Middleware, or null when nothing is to be checked (a public listener with no names configured). */
export function hostCheck(options: HostCheckOptions) {
  if (!options.loopback && options.allowed.length === 0) return null;
  const allowed = new Set(options.allowed);
  return (req: Request, res: Response, next: NextFunction) => {
    const name = hostName(req.headers.host ?? '');
    if (name && ((options.loopback && isLoopback(name)) || allowed.has(name))) return next();
    // The Host value is not echoed back: it is whatever the caller typed.
    refuse(res, 421, 'this server does not answer to that Host name', 'HOST_NOT_ALLOWED');
  };
}

/** `name:port`, `[v6]:port` or a bare name, lower-cased, without the port. */
function hostName(header: string): string | null {
  const value = header.trim().toLowerCase();
  const v6 = /^(\[[0-9a-f:.]+\])(?::\d{1,5})?$/.exec(value);
  if (v6) return v6[1];
  const named = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(value);
  return named ? named[1] : null;
}
