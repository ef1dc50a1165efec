// Demo sign-in for the officer's dashboard (/officer): an OFFICER token for
// the demo privacy officer of the privacy-office application, and nothing
// else — no role, subject or application can be asked for. Mounted in demo
// mode only (embedded database, public development secret, loopback), where
// GraphiQL's picker hands out any role anyway; never on a real deployment,
// where officers sign in with the identity provider.

import express, { type Router } from 'express';
import { demoAppFor } from '../auth/demoApps';
import { mintToken } from '../auth/token';
import { sameOriginOnly } from './sameOrigin';

export const DEMO_OFFICER_PATH = '/demo/officer-token';
export const DEMO_OFFICER_SUB = 'demo-officer';

export function demoOfficerRouter(options: { jwtSecret: string }): Router {
  const router = express.Router();
  // GET says the demo sign-in exists (the page shows the button); POST mints.
  router.get(DEMO_OFFICER_PATH, (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ demo: true, role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION' });
  });
  router.post(DEMO_OFFICER_PATH, sameOriginOnly, async (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    try {
      const token = await mintToken({ secret: options.jwtSecret, sub: DEMO_OFFICER_SUB, role: 'OFFICER', app: demoAppFor('OFFICER') });
      res.json({ token, purpose: 'PRIVACY_ADMINISTRATION' });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
