// Demo sign-in for the self-service page: a few demo customers to choose
// from, and a CUSTOMER token for the one chosen — nothing else. The GraphiQL
// picker (graphiql.ts) mints any role for the IDE; this endpoint must not,
// because the page is the one a customer opens, and a page handing out staff
// tokens would be a way into every record. Mounted in demo mode only.
//
// The choices are numbered, not named: a name (or an id) sent here would be
// customer data leaving the server without an access-log record. The page
// learns who it signed in as by reading `me`, which is logged like any read.

import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Knex } from 'knex';
import { demoAppFor } from '../auth/demoApps';
import { mintToken } from '../auth/token';
import { firstCustomerId } from '../../seeds/generate';
import { sameOriginOnly } from './sameOrigin';

export const DEMO_CUSTOMERS_PATH = '/demo/customers';
export const DEMO_CUSTOMER_TOKEN_PATH = '/demo/customer-token';
/** How many demo customers the picker offers: the seed's showcase customer first, then by account number. */
export const DEMO_CUSTOMER_CHOICES = 6;

const refuse = (res: Response, message: string) => res.status(400).json({ error: { code: 'BAD_USER_INPUT', message } });

/** Customer ids in the picker's order (erased customers are no longer anyone to sign in as): number n is row n. */
export function demoCustomersInOrder(knex: Knex) {
  return knex('customers').select('id').whereNull('erased_at').orderByRaw('(id = ?) desc, account_number', [firstCustomerId()]);
}

export function demoCustomersRouter(options: { knex: Knex; jwtSecret: string }): Router {
  const router = express.Router();
  const inPickerOrder = () => demoCustomersInOrder(options.knex);
  const nthCustomer = async (n: number): Promise<string | undefined> => (await inPickerOrder().offset(n - 1).first())?.id;

  router.get(DEMO_CUSTOMERS_PATH, async (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    try {
      const rows = await inPickerOrder().limit(DEMO_CUSTOMER_CHOICES);
      res.json({ customers: rows.map((_, i) => ({ number: i + 1 })) });
    } catch (err) {
      next(err);
    }
  });

  router.post(DEMO_CUSTOMER_TOKEN_PATH, sameOriginOnly, express.json({ limit: '1kb' }), async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const number = (req.body as { number?: unknown } | undefined)?.number;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > DEMO_CUSTOMER_CHOICES) {
      refuse(res, `number must be a whole number from 1 to ${DEMO_CUSTOMER_CHOICES}`);
      return;
    }
    try {
      const sub = await nthCustomer(number);
      if (!sub) {
        refuse(res, 'there is no demo customer with that number');
        return;
      }
      const token = await mintToken({ secret: options.jwtSecret, sub, role: 'CUSTOMER', app: demoAppFor('CUSTOMER') });
      res.json({ token, purpose: 'SELF_SERVICE' });
    } catch (err) {
      next(err);
    }
  });

  router.use(DEMO_CUSTOMER_TOKEN_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    refuse(res, 'the request body must be JSON like {"number":1}');
  });
  return router;
}
