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

/** Middleware, or null when nothing is to be checked (a public listener with no names configured). */
export function hostCheck(options: HostCheckOptions) {
  if (!options.loopback && options.allowed.length === 0) return null;
  const allowed = new Set(options.allowed);
  return (req: Request, res: Response, next: NextFunction) => {
    const name = hostName(req.headers.host ?? '');
    if (name && ((options.loopback && isLoopback(name)) || allowed.has(name))) return next();
    // The Host value is not echoed back: it is whatever the caller typed.
    res.status(421).set('Cache-Control', 'no-store').json({
      errors: [{ message: 'this server does not answer to that Host name', extensions: { code: 'FORBIDDEN', reason: 'HOST_NOT_ALLOWED' } }],
    });
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
