// The pages in web/ (DESIGN §7) are real files served as they are: `/` is
// web/index.html, the customer's self-service page, and its modules and
// styles sit beside it. The headers are what keep a page that shows personal
// data honest in a browser: scripts only from this server (no inline script,
// so an injected string cannot run), requests only back to this server, and
// no framing.

import express, { type RequestHandler } from 'express';
import { projectDir } from './webDir';

export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function webPages(): RequestHandler {
  return express.static(projectDir('web', 'index.html'), {
    index: 'index.html',
    dotfiles: 'ignore',
    // Revalidated on every load: a fixed page must reach browsers at once.
    cacheControl: false,
    setHeaders(res) {
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
    },
  });
}
