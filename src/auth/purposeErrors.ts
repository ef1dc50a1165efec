// The refusals of an X-Purpose header, worded so a caller knows what to send
// instead (issue 10, item 6): the unknown value is echoed, but only as
// printable ASCII and at most SHOWN_MAX characters — a header is the
// caller's own text, and an error that repeated it whole would carry control
// characters into logs and UIs, or make the answer as large as the header.

import { PURPOSES, type Purpose, type Role } from '../policy/vocabulary';
import { forbiddenRequest } from '../server/errors';
import type { GraphQLError } from 'graphql';

export const SHOWN_MAX = 40;

/** The header as an error may show it: non-printable-ASCII replaced by `?`, cut at SHOWN_MAX with `…`. */
export function shownValue(value: string): string {
  const printable = value.replace(/[^\x20-\x7E]/g, '?');
  return printable.length > SHOWN_MAX ? `${printable.slice(0, SHOWN_MAX)}…` : printable;
}

export function unknownPurpose(value: string): GraphQLError {
  return forbiddenRequest(
    `X-Purpose names an unknown purpose: ${JSON.stringify(shownValue(value))}; valid purposes: ${PURPOSES.join(', ')}`,
    'UNKNOWN_PURPOSE',
    { allowedPurposes: [...PURPOSES] },
  );
}

export function purposeNotAllowed(role: Role, purpose: Purpose, allowed: readonly string[]): GraphQLError {
  const may = allowed.length > 0 ? `role ${role} may use ${allowed.join(', ')}` : `role ${role} may use no purpose`;
  return forbiddenRequest(`role ${role} may not act for purpose ${purpose}; ${may}`, 'PURPOSE_NOT_ALLOWED', { allowedPurposes: [...allowed] });
}
