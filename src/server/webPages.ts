// The pages in web/ (DESIGN §7) are real files served as they are: `/` is
// web/index.html, the customer's self-service page, and its modules and
// styles sit beside it. The headers are what keep a page that shows personal
// data honest in a browser: scripts only from this server (no inline script,
// so an injected string cannot run), requests only back to this server, and
// no framing. A page holding a customer's token also keeps other windows
// out of its browsing context (a page it opens, or that opens it, gets no
// handle on it), turns off every device and tracking feature it has no use
// for, and never tells another site where the visitor came from.

import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
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

/**
 * Features the page never uses, denied to it and to anything it could embed
 * (`()` is the empty allow-list). Only names Chromium knows: it ignores an
 * unknown one with a console warning, so a misspelt `camera` would leave the
 * camera allowed (the browser test fails on such a warning).
 */
export const PAGE_PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'browsing-topics',
  'camera',
  'clipboard-read',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'gamepad',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'interest-cohort',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'sync-xhr',
  'usb',
  'window-management',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

export function webPages(): RequestHandler {
  return express.static(projectDir('web', 'index.html'), {
    index: 'index.html',
    dotfiles: 'ignore',
    // Revalidated on every load: a fixed page must reach browsers at once.
    cacheControl: false,
    setHeaders: pageHeaders,
  });
}

/** The headers of every page file (and of the libraries the pages load). */
export function pageHeaders(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', PAGE_PERMISSIONS_POLICY);
}

/**
 * Libraries the pages load, from node_modules, at fixed public names (the
 * request never becomes a path): Chart.js for the officer's dashboard.
 */
const VENDOR_ASSETS: ReadonlyMap<string, { pkg: string; file: string }> = new Map([['chart.umd.min.js', { pkg: 'chart.js', file: 'chart.umd.min.js' }]]);

export function vendorAssets(): Router {
  const router = express.Router();
  for (const [name, asset] of VENDOR_ASSETS) {
    // chart.js exports only its entry points (not even package.json): the browser build sits beside the CommonJS one in dist/.
    const file = join(dirname(require.resolve(asset.pkg)), asset.file);
    router.get(`/vendor/${name}`, (_req, res, next) => {
      pageHeaders(res);
      res.type('text/javascript; charset=utf-8');
      res.sendFile(file, (err) => err && next(err));
    });
  }
  return router;
}
