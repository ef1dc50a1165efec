// The demo token endpoints mint tokens for whoever asks; in demo mode that is
// the point, but only for pages of this server. A browser names the page that
// sent a POST in Origin: another site's page (it could not read the token,
// but it could make the server mint and log one) is refused. A request
// without Origin (curl, the tests) is not a browser page and passes.

import type { NextFunction, Request, Response } from 'express';

export function sameOriginOnly(req: Request, res: Response, next: NextFunction): void {
  const origin = req.headers.origin;
  if (origin === undefined || originHost(origin) === req.headers.host?.toLowerCase()) {
    next();
    return;
  }
  res.status(403).set('Cache-Control', 'no-store').json({ error: { code: 'FORBIDDEN', message: 'a demo token is minted only for pages of this server (the Origin header names another site)' } });
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}
