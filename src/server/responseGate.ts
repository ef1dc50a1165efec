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

/** What to send instead of the held response; null: send it as it is. */
export interface Replacement {
  status: number;
  body: unknown;
}

export interface ResponseGate {
  /** The next response sent waits for `outcome` (which must not reject). */
  hold(outcome: Promise<Replacement | null>): void;
  /** `done` runs once the response has left, or the connection closed before it could (at once if that has happened). */
  afterResponse(done: () => void): void;
  /** The response has left, or its connection is closed. */
  readonly gone: boolean;
  /** `done` runs once the answer (or what replaces it) is handed to the connection: the request's work is over. */
  afterSent(done: () => void): void;
}

const gates = new WeakMap<object, ResponseGate>();

/** The gate of this request's response; none outside /graphql (or without HTTP). */
export function responseGateOf(req: object): ResponseGate | undefined {
  return gates.get(req);
}

// If the outcome itself failed, nothing about the log is known: the held
// response is not sent.
const UNKNOWN_OUTCOME: Replacement = { status: 500, body: { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };

/**
 * `deliveryTimeoutMs`: how long a client may take to receive an answer once
 * it is sent; a client that has not taken it by then loses the connection.
 * Without it, a client that never reads would keep its answer in this
 * process's memory, and its share of the in-flight budget (limits/inFlight.ts)
 * held, for as long as it kept the connection open.
 */
export function responseGateMiddleware(options: { deliveryTimeoutMs: number }) {
  return (req: Request, res: Response, next: NextFunction) => gate(req, res, next, options.deliveryTimeoutMs);
}

function gate(req: Request, res: Response, next: NextFunction, deliveryTimeoutMs: number): void {
  let held: Promise<Replacement | null> | undefined;
  let gone = false;
  const waiting: Array<() => void> = [];
  // The response's own 'close' is not enough: a response pipelined behind
  // another on the same connection never emits it if the connection dies
  // before its turn. The socket's 'close' covers that.
  const socket = req.socket;
  const left = () => {
    if (gone) return;
    gone = true;
    socket.removeListener('close', left);
    for (const done of waiting.splice(0)) done();
  };
  res.once('close', left);
  socket.once('close', left);
  let sent = false;
  const onSent: Array<() => void> = [];
  const sendNow = res.send.bind(res);
  const send = (body?: unknown) => {
    sent = true;
    for (const done of onSent.splice(0)) done();
    if (!gone) {
      // The connection, not the response: a response queued behind one the
      // client does not read cannot be destroyed on its own.
      const timer = setTimeout(() => socket.destroy(), deliveryTimeoutMs).unref();
      res.once('close', () => clearTimeout(timer));
    }
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
      .catch(() => res.destroy());
    return res;
  };
  gates.set(req, {
    hold: (outcome) => void (held = outcome),
    afterResponse: (done) => (gone ? done() : void waiting.push(done)),
    afterSent: (done) => (sent ? done() : void onSent.push(done)),
    get gone() {
      return gone;
    },
  });
  next();
}
