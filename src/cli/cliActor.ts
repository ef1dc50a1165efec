// Who runs a command-line tool, as the access log names them: the operator's
// own name (PRIVQL_PRINCIPAL, or the account running the command), never a
// token's, since a command works on the database directly.

import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { AccessContext } from '../audit/accessContext';

export function cliPrincipal(env: NodeJS.ProcessEnv): string {
  if (env.PRIVQL_PRINCIPAL) return env.PRIVQL_PRINCIPAL;
  try {
    return userInfo().username;
  } catch {
    // A container's user may have no account entry: its name, else its number.
    return env.USER || `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}

/**
 * A command's records of administrative changes (a notice published, an
 * application registered or revoked) name the officer's role and purpose,
 * as publishing the notice through the API does.
 */
export function administrationActor(env: NodeJS.ProcessEnv): AccessContext {
  return { requestId: randomUUID(), app: 'privql-cli', principal: cliPrincipal(env), role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION', view: 'PERSONAL_DATA' };
}
