// The deployment path: tokens signed by an identity provider, verified against
// its JWKS (served here on loopback by a tiny server standing in for the IdP).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { TokenError, createTokenVerifier } from './token';

let server: http.Server;
let url: string;
let idpKey: KeyLike;
let otherKey: KeyLike;

beforeAll(async () => {
  const idp = await generateKeyPair('ES256');
  idpKey = idp.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
  server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const sign = (key: KeyLike, claims: Record<string, unknown> = { role: 'AGENT', app: 'crm-console' }, issuer = 'https://idp.example') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'idp-1' }).setSubject('agent-9').setIssuer(issuer).setAudience('privql').setExpirationTime('5m').sign(key);

test('a token signed by the identity provider verifies, with issuer and audience checked', async () => {
  const verifier = createTokenVerifier({ jwksUrl: url, issuer: 'https://idp.example', audience: 'privql' });
  await expect(verifier.verify(await sign(idpKey))).resolves.toEqual({ sub: 'agent-9', role: 'AGENT', app: 'crm-console' });
});

test('a token signed by another key, or for another issuer, is refused', async () => {
  const verifier = createTokenVerifier({ jwksUrl: url, issuer: 'https://idp.example', audience: 'privql' });
  await expect(verifier.verify(await sign(otherKey))).rejects.toBeInstanceOf(TokenError);
  await expect(verifier.verify(await sign(idpKey, undefined, 'https://evil.example'))).rejects.toBeInstanceOf(TokenError);
});

test('an HS256 token made with some shared secret is refused when a JWKS is configured', async () => {
  const verifier = createTokenVerifier({ jwksUrl: url });
  const hs = await new SignJWT({ role: 'OFFICER', app: 'privacy-office' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('x')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode('s'.repeat(40)));
  await expect(verifier.verify(hs)).rejects.toBeInstanceOf(TokenError);
});
