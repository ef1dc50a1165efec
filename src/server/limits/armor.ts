// graphql-armor's validation rules for depth, aliases, directives and cost,
// configured to answer like every other privql error: a coded
// GRAPHQL_VALIDATION_FAILED naming the limit in extensions.reason, without
// the configured number (exposeLimits off).
//
// Armor's max-tokens protection is not used: for Apollo it throws from
// parsingDidStart, which Apollo answers with HTTP 500 and without running
// willSendResponse, so the refusal would be neither a client error nor
// logged. graphql-js's own parser limit does the same job (see tokens.ts).

import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorCallbackConfiguration } from '@escape.tech/graphql-armor-types';
import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import type { RequestLimits } from '../../config';
import { limitExceeded, type LimitReason } from './refusal';

export function armorProtections(limits: RequestLimits): { validationRules: ValidationRule[]; plugins: ApolloServerPlugin[] } {
  const { validationRules, plugins } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...refuseWith('MAX_DEPTH') },
    maxAliases: { n: limits.maxAliases, ...refuseWith('MAX_ALIASES') },
    maxDirectives: { n: limits.maxDirectives, ...refuseWith('MAX_DIRECTIVES') },
    costLimit: { maxCost: limits.maxCost, flattenFragments: true, ...refuseWith('MAX_COST') },
    maxTokens: { enabled: false },
    // Keeps "Did you mean …" out of error messages.
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return { validationRules, plugins };
}

function refuseWith(reason: LimitReason): GraphQLArmorCallbackConfiguration & { exposeLimits: false } {
  return {
    exposeLimits: false,
    // Not thrown (Apollo would answer 500): reported to the validation context.
    propagateOnRejection: false,
    onReject: [(context) => context?.reportError(limitExceeded(reason))],
  };
}
