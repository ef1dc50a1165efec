// Builds the context of each request: the caller (refused here when unknown,
// and the refusal logged), the privacy plan for its view, fresh loaders.

import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Knex } from 'knex';
import type { Catalog } from '../../directives/catalog';
import { authenticate, authorize, type CallerSources } from '../auth/caller';
import type { TokenClaims } from '../auth/token';
import { AccessRecorder } from '../audit/accessRecorder';
import type { AccessContext, AccessLog } from '../audit/accessLogWriter';
import { addressSource, type DenialAggregator } from '../audit/denialAggregator';
import { createLoaders } from '../data/loaders';
import { RequestPrivacy } from '../plan/requestPrivacy';
import { viewReadsRecords } from '../policy/roles';
import { PURPOSES, isOneOf } from '../policy/vocabulary';
import { UUID } from '../resolvers/args';
import { honourGlobalPrivacyControl } from '../selfService/optOuts';
import type { CursorCodec } from '../resolvers/cursor';
import type { ReleaseKeeper } from '../anonymity/releaseKeeper';
import type { RecipientOrderKeeper } from '../data/recipientOrderKeeper';
import type { VerifiedChain } from '../audit/verifiedChain';
import type { PrivqlContext } from './context';
import type { NoticeSource } from '../governance/notice/store';
import { requestIdsOf } from './requestId';
import { responseGateOf } from './responseGate';

export interface ContextDeps extends CallerSources {
  db: Knex;
  catalog: Catalog;
  cursors: CursorCodec;
  accessLog: AccessLog;
  /** Where refusals are recorded: once per source and reason per window. */
  denials: DenialAggregator;
  pseudonymKeyFor(app: string): Uint8Array;
  release: ReleaseKeeper;
  recipientOrders?: RecipientOrderKeeper;
  chain: VerifiedChain;
  notice: NoticeSource;
  /** RequestLimits.countedCustomersMax. */
  countedCustomersMax: number;
}

/** The parts of an HTTP request the context reads. */
export interface ContextRequest {
  headers: IncomingHttpHeaders;
  ip?: string;
  socket?: { remoteAddress?: string };
}

export function contextFactory(deps: ContextDeps) {
  /** `verification`: the bearer token already verified in front of this (the rate limits), not to be checked twice. */
  return async ({ req, verification }: { req: ContextRequest; verification?: Promise<TokenClaims> }): Promise<PrivqlContext> => {
    const { requestId, clientRequestId } = requestIdsOf(req);
    const purposeHeader = header(req.headers['x-purpose']);
    const address = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
    const refused = async (err: unknown, claims?: TokenClaims): Promise<never> => {
      await logRefusal(deps.denials, { requestId, clientRequestId, claims, purposeHeader, address }, err);
      throw err;
    };
    const claims = await (verification ?? authenticate(deps, req.headers.authorization)).catch((err) => refused(err));
    const caller = await authorize(deps, claims, purposeHeader).catch((err) => refused(err, claims));
    // Global Privacy Control from a signed-in customer is their "do not sell
    // or share", recorded before the request runs so the request itself
    // already sees it. Other roles' requests carry no customer's choice.
    const globalPrivacyControl = header(req.headers['sec-gpc'])?.trim() === '1';
    if (caller.role === 'CUSTOMER' && globalPrivacyControl && UUID.test(caller.sub)) {
      await honourGlobalPrivacyControl(deps.db, { requestId, clientRequestId, app: caller.app, principal: caller.sub, role: caller.role, purpose: 'SELF_SERVICE', view: 'PERSONAL_DATA' }, caller.sub);
    }
    const recorder = new AccessRecorder();
    const pseudonymKey = deps.pseudonymKeyFor(caller.app);
    const privacy =
      caller.purpose && caller.view && viewReadsRecords(caller.view)
        ? new RequestPrivacy(deps.catalog, { view: caller.view, purpose: caller.purpose }, pseudonymKey, recorder)
        : undefined;
    const cursors = deps.cursors.forCaller({ app: caller.app, principal: caller.sub, role: caller.role, purpose: caller.purpose, view: caller.view?.name ?? null });
    return { requestId, clientRequestId, caller, db: deps.db, loaders: createLoaders(deps.db), cursors, recorder, pseudonymKey, privacy, release: deps.release, recipientOrders: deps.recipientOrders, chain: deps.chain, globalPrivacyControl, notice: deps.notice, responseGate: responseGateOf(req), countedCustomersMax: deps.countedCustomersMax };
  };
}

// A refused request is recorded with what is known: nothing about the caller
// when the token did not verify (its claims are not to be trusted; the client
// address is the source), the verified claims when they were refused. The
// response is an error either way, so a log that cannot be written does not
// change it.
async function logRefusal(
  denials: DenialAggregator,
  at: { requestId: string; clientRequestId?: string; claims?: TokenClaims; purposeHeader?: string; address: string },
  err: unknown,
): Promise<void> {
  const code = err instanceof GraphQLError ? err.extensions.code : 'INTERNAL_SERVER_ERROR';
  const reason = err instanceof GraphQLError ? err.extensions.reason : undefined;
  const ctx: AccessContext = {
    requestId: at.requestId,
    app: at.claims?.app ?? null,
    principal: at.claims?.sub ?? null,
    role: at.claims?.role ?? null,
    purpose: isOneOf(PURPOSES, at.purposeHeader) ? at.purposeHeader : null,
    view: null,
    clientRequestId: at.clientRequestId,
  };
  const detail = { code, ...(reason ? { reason } : {}) };
  // A verified caller is named by the record's own columns; an unverified one
  // only by the network it came from (its claims are not to be trusted).
  if (at.claims) {
    const key = JSON.stringify([ctx.app, ctx.principal, ctx.role, at.purposeHeader ?? null, code, reason ?? null]);
    await denials.record({ key, ctx, detail }).catch(() => undefined);
  } else {
    const source = addressSource(at.address);
    await denials.record({ key: JSON.stringify([source, ctx.purpose, code, reason ?? null]), ctx, detail: { ...detail, source } }).catch(() => undefined);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
