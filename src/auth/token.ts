// Bearer tokens: verified with jose, never decoded by hand. HS256 with a shared
// secret for development; a JWKS URL for deployments with an identity provider.

import { SignJWT, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface TokenClaims {
  sub: string;
  role: string;
  app: string;
}

export type TokenFailure = 'MISSING' | 'EXPIRED' | 'INVALID';

export class TokenError extends Error {
  constructor(readonly failure: TokenFailure, message: string) {
    super(message);
  }
}

export interface TokenVerifier {
  verify(token: string): Promise<TokenClaims>;
}

export interface VerifierOptions {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : new TextEncoder().encode(requireSecret(options.secret));
  const algorithms = options.jwksUrl ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'];
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key as Uint8Array, {
          algorithms,
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new TokenError('EXPIRED', 'the token has expired');
        throw new TokenError('INVALID', 'the token is not valid');
      }
      const { sub, role, app } = payload as Record<string, unknown>;
      if (typeof sub !== 'string' || typeof role !== 'string' || typeof app !== 'string') {
        throw new TokenError('INVALID', 'the token must carry the claims sub, role and app');
      }
      return { sub, role, app };
    },
  };
}

export interface MintOptions extends TokenClaims {
  secret: string;
  /** Seconds until expiry; default one hour. Negative values mint an already expired token (tests). */
  expiresIn?: number;
}

export async function mintToken(options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: options.role, app: options.app })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(requireSecret(options.secret)));
}

function requireSecret(secret: string | undefined): string {
  if (!secret || secret.length < 32) throw new Error('JWT_SECRET must be set to at least 32 characters');
  return secret;
}
