// With demo mode off, a browser opening /graphql would get Apollo's CSRF
// refusal, which reads like a bug. It gets a page saying the IDE is off and
// how to use the API instead; API clients are passed on untouched.

import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { wantsPage } from './graphiql';
import { projectDir } from './webDir';

export function ideOffPage() {
  const file = join(projectDir('web', 'ide-off.html'), 'ide-off.html');
  return (req: Request, res: Response, next: NextFunction) => {
    res.vary('Accept');
    if (!wantsPage(req)) return next();
    res.status(404).set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
    });
    res.sendFile(file, { etag: false, lastModified: false, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  };
}
