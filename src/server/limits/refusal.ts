// The errors a request limit answers with. Each names the limit it hit in
// extensions.reason (a code a client can act on) but not the configured
// number: README documents the defaults, a deployment may choose others.

import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ASTNode } from 'graphql';
import type { PrivqlContext } from '../context';

export const LIMIT_REASONS = ['MAX_DEPTH', 'MAX_ALIASES', 'MAX_DIRECTIVES', 'MAX_TOKENS', 'MAX_COST', 'ROW_BUDGET', 'ONE_REPORT'] as const;
export type LimitReason = (typeof LIMIT_REASONS)[number];

export const LIMIT_MESSAGES: Record<LimitReason, string> = {
  MAX_DEPTH: 'the query nests fields more deeply than this server allows',
  MAX_ALIASES: 'the query uses more aliases than this server allows',
  MAX_DIRECTIVES: 'the query uses more directives than this server allows',
  MAX_TOKENS: 'the document is longer than this server allows',
  MAX_COST: 'the query is more expensive than this server allows',
  ROW_BUDGET: 'the query would return more data (rows x fields) than this server allows in one request: ask for fewer rows (a smaller first) or fewer fields, and page',
  ONE_REPORT: 'a request may ask for one privacyReport: each is computed from the whole access log, so ask for one period per request',
};

/** A request refused by a limit before execution (answered HTTP 400 GRAPHQL_VALIDATION_FAILED). */
export function limitExceeded(reason: LimitReason, nodes?: ASTNode | readonly ASTNode[]): GraphQLError {
  return new GraphQLError(LIMIT_MESSAGES[reason], { nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason } });
}

export function isLimitReason(value: unknown): value is LimitReason {
  return (LIMIT_REASONS as readonly unknown[]).includes(value);
}

/** Limit refusals go into the request's access record like any other refusal. */
export const limitRefusalLog: ApolloServerPlugin<PrivqlContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          const reason = error.extensions?.reason;
          if (isLimitReason(reason)) contextValue.recorder.denied.push({ path: '', code: String(error.extensions.code), reason });
        }
      },
    };
  },
};
