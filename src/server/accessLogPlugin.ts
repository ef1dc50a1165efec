// The fail-closed step of every request, hooked to Apollo's willSendResponse
// stage: the request's access record is committed before anything is written
// to the socket (awaited here, or over HTTP by the response gate, which holds
// the serialized answer), and if it cannot be, a response that carries
// customer data is replaced by AUDIT_UNAVAILABLE (HTTP 503).

import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { AccessContext, AccessLog } from '../audit/accessLogWriter';
import type { AccessRecorder } from '../audit/accessRecorder';
import type { DenialAggregator } from '../audit/denialAggregator';
import { actorOf, type PrivqlContext } from './context';
import { explainWithheld } from '../plan/explain';
import { showsValue } from '../policy/decide';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { bandWidthAt, levelOfField } from '../anonymity/levelSql';
import { levelsOf } from '../anonymity/releaseMeta';
import { idExtensions } from './requestId';
import type { Replacement } from './responseGate';

export interface AccessLogPluginOptions {
  accessLog: AccessLog;
  /** Requests that were only refused are recorded through it, once per caller and refusal per window. */
  denials?: DenialAggregator;
  onWriteFailure?: (err: unknown) => void;
}

export const AUDIT_UNAVAILABLE_MESSAGE = 'the access log cannot be written; no customer data is returned until it can';

export function accessLogPlugin(options: AccessLogPluginOptions): ApolloServerPlugin<PrivqlContext> {
  return {
    async requestDidStart({ contextValue }) {
      // The record's write when it started before the response: as soon as a
      // resolver said nothing more can be recorded (PrivqlContext.recordComplete).
      let early: Promise<WriteFailure | null> | undefined;
      contextValue.recordComplete = async () => {
        const { recorder } = contextValue;
        if (early || !recorder.hasReads) return;
        recorder.seal();
        const write = startWrite(options.accessLog, actorOf(contextValue), recorder);
        early = write.written;
        // With a connection free, the statement is handed over within this
        // turn of the event loop. Without one the resolver does not wait: that
        // wait would be spent on the request's clock (the log's is not, see
        // limits/deadline.ts) and could time out an answer graphql-js gives.
        await Promise.race([write.sent, new Promise((resolve) => setImmediate(resolve))]);
      };
      return {
        async willSendResponse({ contextValue: ctx, response }) {
          // Incremental delivery (@defer/@stream) needs graphql 17; on the pinned
          // graphql 16 every response is a single result.
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const { recorder } = ctx;
          // An aggregate whose log record could not be committed (its resolver
          // writes it): the whole answer is withheld, as for any other read.
          if (result.errors?.some((e) => e.extensions?.code === 'AUDIT_UNAVAILABLE')) {
            response.body.singleResult = withheld(ctx);
            response.http.status = 503;
            options.onWriteFailure?.(new Error('aggregate access record not written'));
            return;
          }
          for (const error of result.errors ?? []) recordRefusal(ctx, error);
          // Every answer names its request, so a client (or an officer) can find its record.
          result.extensions = { ...result.extensions, ...idExtensions(ctx) };
          const at = actorOf(ctx);
          let written: Promise<WriteFailure | null>;
          if (early) {
            // Refusals met after the record was sealed (a deadline passed, say) go in a record of their own.
            const late = recorder.deniedSinceSealed;
            written = late.length === 0 ? early : early.then((failed) => failed ?? settled(() => options.accessLog.writeDenied(at, { code: late[0].code, denied: late })));
          } else {
            const onlyRefused = !recorder.answersAboutCustomers && recorder.denied.length > 0;
            if (onlyRefused && options.denials) {
              // A refusal costs the caller nothing: repeats are counted, not written one by one.
              const { denied } = recorder;
              const key = JSON.stringify([at.app, at.principal, at.role, at.purpose, denied]);
              await options.denials.record({ key, ctx: at, detail: { code: denied[0].code, denied } }).catch((err) => options.onWriteFailure?.(err));
              return;
            }
            if (recorder.isEmpty) {
              explain(ctx, result);
              return;
            }
            // The record is taken from the recorder now; while its INSERT
            // commits, the explanation below is built and (over HTTP) Apollo
            // serializes the answer. Nothing is released until the commit is
            // seen: the response gate holds the bytes (responseGate.ts).
            const write = startWrite(options.accessLog, at, recorder);
            written = write.written;
            // knex sends the INSERT only after a few promise turns: without
            // waiting for that, the CPU work below (and Apollo's
            // serialization) would run first and nothing would overlap.
            await write.sent;
          }
          explain(ctx, result);
          const outcome = written.then((failed): Replacement | null => {
            if (!failed) return null;
            options.onWriteFailure?.(failed.err);
            // A refusal that cannot be logged is still a refusal; data is not.
            return recorder.answersAboutCustomers ? { status: 503, body: withheld(ctx) } : null;
          });
          if (ctx.responseGate) return ctx.responseGate.hold(outcome);
          const replacement = await outcome;
          if (replacement) {
            response.body.singleResult = replacement.body as typeof response.body.singleResult;
            response.http.status = replacement.status;
          }
        },
      };
    },
  };
}

type WriteFailure = { err: unknown };

function explain(ctx: PrivqlContext, result: { extensions?: Record<string, unknown> }): void {
  const explanation = privacyExtension(ctx);
  if (explanation) result.extensions = { ...result.extensions, privacy: explanation };
}

/**
 * Starts writing the request's record: `written` settles with the write's
 * outcome (committed: null), `sent` once its statement has been handed to the
 * database (or the write ended without that).
 */
function startWrite(log: AccessLog, at: AccessContext, recorder: AccessRecorder): { written: Promise<WriteFailure | null>; sent: Promise<void> } {
  let handedOver!: () => void;
  const sent = new Promise<void>((resolve) => (handedOver = resolve));
  const written = settled(() => log.writeRequest(at, recorder, handedOver));
  void written.then(handedOver);
  return { written, sent };
}

/** The write's outcome as a value (never a rejection left unhandled while other work runs). */
function settled(write: () => Promise<void>): Promise<WriteFailure | null> {
  try {
    return write().then(
      () => null,
      (err: unknown) => ({ err }),
    );
  } catch (err) {
    return Promise.resolve({ err });
  }
}

/** How the request's customer records were treated; none for a response that carries none. */
function privacyExtension(ctx: PrivqlContext): Record<string, unknown> | undefined {
  const { recorder, privacy } = ctx;
  if (!privacy || (!recorder.hasReads && recorder.exclusions.length === 0)) return undefined;
  const { view, purpose } = privacy.context;
  // Rows of the anonymous release are banded at the release's level; elsewhere at the policy's width.
  const release = ctx.releaseServed;
  const releaseLevels = release ? levelsOf(ANONYMITY_POLICY, release) : undefined;
  const bandWidthOf = (coordinate: string) =>
    releaseLevels ? bandWidthAt(ANONYMITY_POLICY, releaseLevels, coordinate) : privacy.hasField(coordinate) ? privacy.plan(coordinate).policy.bandWidth : undefined;
  return {
    view: view.name,
    purpose,
    ...(view.excludesOptedOut ? { excludesOptedOutOf: view.excludesOptedOut } : {}),
    withheld: explainWithheld(recorder.fieldUses, {
      purpose,
      seesConsent: showsValue(privacy.plan('OptOuts.sensitiveDataUse').consented),
      bandWidthOf,
      ...(releaseLevels ? { releasedLevelOf: (coordinate: string) => levelOfField(ANONYMITY_POLICY, releaseLevels, coordinate) } : {}),
    }),
    // How the release was cut: totals and levels, nothing per customer.
    ...(release
      ? { release: { k: release.k, achievedK: release.achievedK, refreshedAt: release.refreshedAt, released: release.released, suppressed: release.suppressed, levels: release.levels } }
      : {}),
  };
}

/** The answer that replaces one whose log record could not be committed: still names its request. */
function withheld(ctx: PrivqlContext) {
  return { errors: [{ message: AUDIT_UNAVAILABLE_MESSAGE, extensions: { code: 'AUDIT_UNAVAILABLE' } }], extensions: idExtensions(ctx) };
}

function recordRefusal(ctx: PrivqlContext, error: GraphQLFormattedError): void {
  const code = error.extensions?.code;
  if (code !== 'FORBIDDEN') return;
  const reason = error.extensions?.reason;
  ctx.recorder.denied.push({
    path: (error.path ?? []).join('.'),
    code,
    ...(typeof reason === 'string' ? { reason } : {}),
  });
}
