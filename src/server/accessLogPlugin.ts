// The fail-closed step of every request, hooked to Apollo's willSendResponse
// stage, which Apollo awaits before it writes anything to the socket: the
// access records are committed first, and if they cannot be, the response is
// replaced by AUDIT_UNAVAILABLE and no customer data leaves.

import type { ApolloServerPlugin } from '@apollo/server';
import type { AccessLogWriter } from '../audit/accessLogWriter';
import type { PrivqlContext } from './context';

export interface AccessLogPluginOptions {
  writer: AccessLogWriter;
  onWriteFailure?: (err: unknown) => void;
}

export function accessLogPlugin(options: AccessLogPluginOptions): ApolloServerPlugin<PrivqlContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue: ctx, response }) {
          const privacy = ctx.privacy;
          if (!privacy || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!privacy.recorder.isEmpty) {
            try {
              await options.writer.writeReads(
                {
                  requestId: ctx.requestId,
                  app: ctx.caller.app,
                  principal: ctx.caller.sub,
                  role: ctx.caller.role,
                  purpose: ctx.caller.purpose,
                  view: privacy.context.view.name,
                },
                privacy.recorder,
              );
            } catch (err) {
              options.onWriteFailure?.(err);
              response.body.singleResult = {
                errors: [
                  {
                    message: 'the access log cannot be written; no customer data is returned until it can',
                    extensions: { code: 'AUDIT_UNAVAILABLE' },
                  },
                ],
              };
              response.http.status = 503;
              return;
            }
          }
          const { view, purpose } = privacy.context;
          result.extensions = {
            ...result.extensions,
            requestId: ctx.requestId,
            privacy: {
              view: view.name,
              purpose,
              ...(view.excludesOptedOut ? { excludesOptedOutOf: view.excludesOptedOut } : {}),
              withheld: privacy.recorder.withheldSummary(),
            },
          };
        },
      };
    },
  };
}
