// The token limit. graphql-js's parser stops at `maxTokens` (Apollo passes
// parseOptions to it), so an oversized document costs at most that much
// lexing and never reaches validation, whose field-overlap check is
// quadratic in the document. The parser's error says only "Syntax Error";
// this plugin names the limit (extensions.reason MAX_TOKENS) so the client
// and the access log can tell it from a typo.

import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Lexer, Source, TokenKind, type ParseOptions } from 'graphql';
import { LIMIT_MESSAGES } from './refusal';

export function tokenLimit(maxTokens: number): { parseOptions: ParseOptions; plugin: ApolloServerPlugin } {
  return {
    parseOptions: { maxTokens },
    plugin: {
      async requestDidStart() {
        return {
          async parsingDidStart({ source }) {
            return async (error?: Error) => {
              if (!(error instanceof GraphQLError) || !exceeds(source, maxTokens)) return;
              // Apollo copies message, position and extensions into the error it
              // sends. The position of the token the parser stopped at would give
              // the limit away, so it goes.
              error.message = LIMIT_MESSAGES.MAX_TOKENS;
              (error.extensions as Record<string, unknown>).reason = 'MAX_TOKENS';
              Object.assign(error, { positions: undefined, locations: undefined });
            };
          },
        };
      },
    },
  };
}

/** Whether the document has more than `max` tokens; lexes at most max + 1 of them. */
export function exceeds(source: string | undefined, max: number): boolean {
  if (source === undefined) return false;
  const lexer = new Lexer(new Source(source));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF; ) if (++count > max) return true;
  } catch {
    // A lexical error before the limit: an ordinary syntax error.
  }
  return false;
}
