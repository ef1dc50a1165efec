// Turns an HTTP request's credentials into a caller: who (sub), through which
// registered application, in which role, for which purpose, and so in which
// view. Two steps, so a refusal can be logged with what is known: a request
// that fails `authenticate` has no trustworthy identity at all; one that fails
// `authorize` has a verified one that is not allowed what it asked for.

import { ROLE_POLICY, viewFor, type RolePolicy } from '../policy/roles';
import { PURPOSES, ROLES, isOneOf, type Purpose, type Role, type View } from '../policy/vocabulary';
import { forbiddenRequest, unauthenticated } from '../server/errors';
import type { ApplicationRegistry } from './applications';
import { purposeNotAllowed, unknownPurpose } from './purposeErrors';
import { TokenError, type TokenClaims, type TokenVerifier } from './token';

export interface Caller {
  sub: string;
  role: Role;
  app: string;
  /** Null when the request named no purpose; customer data then stays out of reach. */
  purpose: Purpose | null;
  view: View | null;
}

export interface CallerSources {
  verifier: TokenVerifier;
  applications: ApplicationRegistry;
  rolePolicy?: RolePolicy;
}

/** Verifies the bearer token; throws UNAUTHENTICATED. */
export async function authenticate(sources: CallerSources, authorization: string | undefined): Promise<TokenClaims> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw unauthenticated('an Authorization: Bearer <token> header is required', 'TOKEN_MISSING');
  try {
    return await sources.verifier.verify(match[1]);
  } catch (err) {
    if (err instanceof TokenError) throw unauthenticated(err.message, `TOKEN_${err.failure}`);
    throw err;
  }
}

/** Checks role, application and purpose of verified claims; throws UNAUTHENTICATED or FORBIDDEN. */
export async function authorize(sources: CallerSources, claims: TokenClaims, purposeHeader: string | undefined): Promise<Caller> {
  const policy = sources.rolePolicy ?? ROLE_POLICY;
  if (!isOneOf(ROLES, claims.role)) throw unauthenticated('the token names an unknown role', 'UNKNOWN_ROLE');
  const app = await sources.applications.find(claims.app);
  if (!app) throw unauthenticated('the token names an application that is not registered', 'UNKNOWN_APPLICATION');
  if (app.role !== claims.role) {
    throw forbiddenRequest(`application ${app.id} is not registered for role ${claims.role}`, 'ROLE_NOT_REGISTERED_FOR_APP');
  }
  const requested = purposeHeader?.trim();
  if (!requested) return { sub: claims.sub, role: claims.role, app: app.id, purpose: null, view: null };
  if (!isOneOf(PURPOSES, requested)) throw unknownPurpose(requested);
  const view = viewFor(policy, claims.role, requested);
  if (!view) throw purposeNotAllowed(claims.role, requested, Object.keys(policy[claims.role] ?? {}));
  return { sub: claims.sub, role: claims.role, app: app.id, purpose: requested, view };
}
