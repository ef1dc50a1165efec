import { SignJWT } from 'jose';
import { DEV_SECRET } from '../config';
import { CUSTOMER_NEEDS_SUB, DEVELOPMENT_SECRET_WARNING, main as tokenCli } from '../cli/token';
import { TokenError, createTokenVerifier, mintToken } from './token';

const SECRET = 'k'.repeat(40);
const verifier = createTokenVerifier({ secret: SECRET });

async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof TokenError ? err.failure : 'OTHER';
  }
  return 'NONE';
}

describe('tokens', () => {
  it('round-trips the claims privql needs', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'agent-7', role: 'AGENT', app: 'crm-console' });
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'agent-7', role: 'AGENT', app: 'crm-console' });
  });

  it('tells expired tokens from invalid ones', async () => {
    const expired = await mintToken({ secret: SECRET, sub: 's', role: 'AGENT', app: 'crm-console', expiresIn: -60 });
    expect(await failureOf(verifier.verify(expired))).toBe('EXPIRED');
    const forged = await mintToken({ secret: 'f'.repeat(40), sub: 's', role: 'AGENT', app: 'crm-console' });
    expect(await failureOf(verifier.verify(forged))).toBe('INVALID');
    expect(await failureOf(verifier.verify('not.a.token'))).toBe('INVALID');
  });

  it('refuses unsigned tokens (alg none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 's', role: 'OFFICER', app: 'privacy-office', exp: 9999999999 })).toString('base64url');
    expect(await failureOf(verifier.verify(`${header}.${body}.`))).toBe('INVALID');
  });

  it('refuses a correctly signed token that lacks the role and app claims', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('s')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expect(verifier.verify(token)).rejects.toThrow(/sub, role and app/);
  });

  it('npm run token prints a token for the role and its demo application', async () => {
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    const token = await tokenCli(['--role', 'PARTNER', '--sub', 'p-1'], { JWT_SECRET: SECRET }, warn);
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'p-1', role: 'PARTNER', app: 'partner-portal' });
    expect(warnings).toEqual([]);
    const dev = await tokenCli(['--role', 'ANALYST'], {}, warn);
    await expect(createTokenVerifier({ secret: DEV_SECRET }).verify(dev)).resolves.toMatchObject({ app: 'bi-workbench' });
    await expect(tokenCli(['--role', 'ROOT'], {}, warn)).rejects.toThrow(/--role must be one of/);
  });

  it('npm run token warns when it signs with the development secret (JWT_SECRET unset or empty)', async () => {
    for (const env of [{}, { JWT_SECRET: '' }]) {
      const warnings: string[] = [];
      await tokenCli(['--role', 'AGENT'], env, (line) => warnings.push(line));
      expect(warnings).toEqual([DEVELOPMENT_SECRET_WARNING]);
    }
    expect(DEVELOPMENT_SECRET_WARNING).toContain('JWT_SECRET');
  });

  it('npm run token refuses a CUSTOMER token without --sub, and says where an id comes from', async () => {
    const warnings: string[] = [];
    await expect(tokenCli(['--role', 'CUSTOMER'], { JWT_SECRET: SECRET }, (l) => warnings.push(l))).rejects.toThrow(CUSTOMER_NEEDS_SUB);
    expect(CUSTOMER_NEEDS_SUB).toMatch(/--sub CUSTOMER_ID.*customers\(first/);
    const id = '6f1c2a9e-0000-4000-8000-000000000001';
    const token = await tokenCli(['--role', 'CUSTOMER', '--sub', id], { JWT_SECRET: SECRET });
    await expect(verifier.verify(token)).resolves.toEqual({ sub: id, role: 'CUSTOMER', app: expect.any(String) });
  });
});
