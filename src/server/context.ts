import type { Knex } from 'knex';
import type { Caller } from '../auth/caller';
import type { AccessRecorder } from '../audit/accessRecorder';
import type { Loaders } from '../data/loaders';
import type { RequestPrivacy } from '../plan/requestPrivacy';
import type { ReleaseKeeper } from '../anonymity/releaseKeeper';
import type { RecipientOrderKeeper } from '../data/recipientOrderKeeper';
import type { VerifiedChain } from '../audit/verifiedChain';
import type { ReleaseSummary } from '../anonymity/releaseMeta';
import type { CallerCursors } from '../resolvers/cursor';
import type { NoticeSource } from '../governance/notice/store';
import type { ResponseGate } from './responseGate';
import type { AccessContext } from '../audit/accessContext';

/** What every resolver of one request sees. */
export interface PrivqlContext {
  requestId: string;
  /** The client's own X-Request-Id, when well-formed (src/server/requestId.ts). */
  clientRequestId?: string;
  caller: Caller;
  db: Knex;
  loaders: Loaders;
  /** Cursors bound to this caller: made for it, opened only for it. */
  cursors: CallerCursors;
  /** What this request read, excluded or was refused; committed before the response leaves. */
  recorder: AccessRecorder;
  /** This request's application's pseudonym key. */
  pseudonymKey: Uint8Array;
  /** Present when the request named a purpose whose view reads customer records. */
  privacy?: RequestPrivacy;
  /** The anonymous release, which the ANONYMOUS view is served from. */
  release: ReleaseKeeper;
  /** The live customers' sort indexes, which a keyed page asks for when it had to hash. */
  recipientOrders?: RecipientOrderKeeper;
  /** What this server knows of the access log's chain: reports check only what was written since (src/audit/verifiedChain.ts). */
  chain: VerifiedChain;
  /** The request carried Sec-GPC: 1 (Global Privacy Control). */
  globalPrivacyControl?: boolean;
  /** What the privacy notice is generated from. */
  notice: NoticeSource;
  /**
   * Said by a resolver once nothing more of this request can be recorded (its
   * released rows are everything the operation shows): the record is sealed
   * and its write starts then, while the answer is still being built
   * (accessLogPlugin.ts). Resolves once the write has been handed to the
   * database, or at the end of this event-loop turn if it could not be yet.
   * Set by the access-log plugin.
   */
  recordComplete?: () => Promise<void>;
  /** Over HTTP: holds the response until the access record is committed (responseGate.ts). */
  responseGate?: ResponseGate;
  /** Set when this request served rows of the anonymous release: how that release was cut. */
  releaseServed?: ReleaseSummary;
  /** How many customers a filtered totalCount may count and name (RequestLimits.countedCustomersMax); none without it. */
  countedCustomersMax?: number;
}

/** Who is acting and why, as the access log names it. */
export function actorOf(ctx: PrivqlContext): AccessContext {
  const { caller } = ctx;
  return { requestId: ctx.requestId, clientRequestId: ctx.clientRequestId, app: caller.app, principal: caller.sub, role: caller.role, purpose: caller.purpose, view: caller.view?.name ?? null };
}
