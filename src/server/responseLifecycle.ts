// Where one /graphql response is on its way out, for what holds room until
// it is gone (the in-flight budget, limits/inFlight.ts), and the bound on how
// long a client may take to receive it.
//
// HTTP/1.1 lets a client send requests one after another on a connection
// without waiting for answers. Node works on them at once but writes their
// answers in order: a later answer has no socket until the ones before it are
// written, and if the connection dies first it never emits 'close' or
// 'finish' — only the socket says it is gone.

import type { Socket } from 'node:net';
import type { Response } from 'express';

// One 'close' listener per connection, whatever the number of responses
// waiting on it: a listener each made ten pipelined requests trip Node's
// MaxListenersExceededWarning (a leak warning where nothing leaks), and
// raising the socket's limit would hide a real leak.
const leaversBySocket = new WeakMap<Socket, Set<() => void>>();

/** Runs `left` when `socket` closes; the returned function forgets it. */
function onceClosed(socket: Socket, left: () => void): () => void {
  let leavers = leaversBySocket.get(socket);
  if (!leavers) {
    const all = new Set<() => void>();
    leavers = all;
    leaversBySocket.set(socket, all);
    socket.once('close', () => {
      leaversBySocket.delete(socket);
      for (const leave of [...all]) leave();
    });
  }
  leavers.add(left);
  return () => leavers.delete(left);
}

export class ResponseLifecycle {
  private isGone = false;
  private isSent = false;
  private readonly whenGone: Array<() => void> = [];
  private readonly whenSent: Array<() => void> = [];
  private deliveryTimer?: NodeJS.Timeout;
  private readonly left = () => this.leave();
  private readonly forgetSocket: () => void;

  /**
   * `deliveryTimeoutMs`: how long a client may take to receive an answer once
   * the answer has its turn on the connection; a client that has not taken it
   * by then loses the connection. Without it, a client that never reads
   * would keep its answer in this process's memory, and its share of the
   * in-flight budget held, for as long as it kept the connection open.
   */
  constructor(
    private readonly res: Response,
    private readonly socket: Socket,
    private readonly deliveryTimeoutMs: number,
  ) {
    res.once('close', this.left);
    this.forgetSocket = onceClosed(socket, this.left);
    // An answer written in chunks (res.write/end) never goes through res.send.
    res.once('finish', () => this.markSent());
    if (socket.destroyed) this.leave();
  }

  /** The response has been taken, or its connection is closed. */
  get gone(): boolean {
    return this.isGone;
  }

  /** `done` runs once the response is gone (at once if it is). */
  afterGone(done: () => void): void {
    if (this.isGone) done();
    else this.whenGone.push(done);
  }

  /** `done` runs once the answer (or what replaced it) has been handed to the connection: the request's work is over. */
  afterSent(done: () => void): void {
    if (this.isSent) done();
    else this.whenSent.push(done);
  }

  /** The response may be written now: its turn on the connection has come (always so for a request not pipelined). */
  get onItsTurn(): boolean {
    return this.res.socket !== null;
  }

  /** Settles once the response may be written (its turn on the connection has come) or is gone. */
  hasItsTurn(): Promise<void> {
    if (this.onItsTurn || this.isGone) return Promise.resolve();
    return new Promise((resolve) => {
      this.res.once('socket', () => resolve());
      this.afterGone(resolve);
    });
  }

  /** The answer is handed to express now; its delivery is timed from its turn on the connection. */
  markSent(): void {
    if (this.isSent) return;
    this.isSent = true;
    for (const done of this.whenSent.splice(0)) done();
    const startClock = () => {
      // The connection, not the response: a response queued behind one the
      // client does not read cannot be destroyed on its own.
      if (!this.isGone) this.deliveryTimer = setTimeout(() => this.socket.destroy(), this.deliveryTimeoutMs).unref();
    };
    if (this.res.socket) startClock();
    else this.res.once('socket', startClock);
  }

  private leave(): void {
    if (this.isGone) return;
    this.isGone = true;
    this.forgetSocket();
    clearTimeout(this.deliveryTimer);
    for (const done of this.whenGone.splice(0)) done();
  }
}
