import { SignJWT } from 'jose';
import { DEV_SECRET } from '../config';
import { main as tokenCli } from '../cli/token';
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
    const token = await tokenCli(['--role', 'PARTNER', '--sub', 'p-1'], { JWT_SECRET: SECRET });
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'p-1', role: 'PARTNER', app: 'partner-portal' });
    const dev = await tokenCli(['--role', 'ANALYST'], {});
    await expect(createTokenVerifier({ secret: DEV_SECRET }).verify(dev)).resolves.toMatchObject({ app: 'bi-workbench' });
    await expect(tokenCli(['--role', 'ROOT'], {})).rejects.toThrow(/--role must be one of/);
  });
});
