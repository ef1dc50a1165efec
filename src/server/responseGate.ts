// Holds a /graphql response at the last step before its bytes leave the
// server (express's res.send) until a promise settles: the access-log plugin
// hands its record's write over here instead of awaiting it in Apollo's
// willSendResponse, so Apollo serializes the response while the INSERT is in
// flight, and nothing is sent before the commit is seen either way.
//
// A response Apollo writes in chunks (res.write: incremental delivery, which
// the pinned graphql 16 never produces) is not covered; the plugin holds only
// single results.

import type { NextFunction, Request, Response } from 'express';
import { ResponseLifecycle } from './responseLifecycle';

/** What to send instead of the held response; null: send it as it is. */
export interface Replacement {
  status: number;
  body: unknown;
}

export interface ResponseGate {
  /** The next response sent waits for `outcome` (which must not reject). */
  hold(outcome: Promise<Replacement | null>): void;
  /** Where the response is on its way out (responseLifecycle.ts). */
  readonly lifecycle: ResponseLifecycle;
}

const gates = new WeakMap<object, ResponseGate>();

/** The gate of this request's response; none outside /graphql (or without HTTP). */
export function responseGateOf(req: object): ResponseGate | undefined {
  return gates.get(req);
}

// If the outcome itself failed, nothing about the log is known: the held
// response is not sent.
const UNKNOWN_OUTCOME: Replacement = { status: 500, body: { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };

/** `deliveryTimeoutMs`: see ResponseLifecycle. */
export function responseGateMiddleware(options: { deliveryTimeoutMs: number }) {
  return (req: Request, res: Response, next: NextFunction) => gate(req, res, next, options.deliveryTimeoutMs);
}

function gate(req: Request, res: Response, next: NextFunction, deliveryTimeoutMs: number): void {
  const lifecycle = new ResponseLifecycle(res, req.socket, deliveryTimeoutMs);
  let held: Promise<Replacement | null> | undefined;
  const sendNow = res.send.bind(res);
  const send = (body?: unknown) => {
    lifecycle.markSent();
    return sendNow(body);
  };
  res.send = (body?: unknown) => {
    const outcome = held;
    held = undefined;
    if (!outcome) return send(body);
    void outcome
      .catch(() => UNKNOWN_OUTCOME)
      .then((replacement) => {
        if (!replacement) return send(body);
        res.status(replacement.status).setHeader('content-type', 'application/json; charset=utf-8');
        return send(JSON.stringify(replacement.body));
      })
      // A send that fails now (the client gone, say) has no one to tell; the
      // connection is closed rather than the failure left unhandled.
      .catch(() => {
        lifecycle.markSent();
        res.destroy();
      });
    return res;
  };
  gates.set(req, { hold: (outcome) => void (held = outcome), lifecycle });
  next();
}
