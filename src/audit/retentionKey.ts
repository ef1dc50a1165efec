// The retention key: an Ed25519 pair whose private half signs retention
// checkpoints (`audit:prune`) and is kept outside the database, so that
// nobody who can only write to the database can make a checkpoint that
// `audit:verify` accepts. Each variable holds a PEM, or the path of a file
// holding one:
//   PRIVQL_RETENTION_KEY         the private key (the retention job only)
//   PRIVQL_RETENTION_PUBLIC_KEY  the public key(s) verify accepts; several
//                                PEM blocks for keys retired by a rotation.
//                                Without it, the public half of
//                                PRIVQL_RETENTION_KEY is used.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class RetentionKeyError extends Error {}

export interface RetentionKeyPair {
  privatePem: string;
  publicPem: string;
  keyId: string;
}

export function generateRetentionKeyPair(): RetentionKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A short, stable name for a public key: the start of the SHA-256 of its SPKI form. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** The signing key, or null when PRIVQL_RETENTION_KEY is not set. */
export function retentionPrivateKey(env: NodeJS.ProcessEnv): KeyObject | null {
  const value = env.PRIVQL_RETENTION_KEY;
  if (!value) return null;
  const [pem] = pemBlocks(value, 'PRIVQL_RETENTION_KEY');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new RetentionKeyError('PRIVQL_RETENTION_KEY does not hold a private key in PEM form');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new RetentionKeyError(`PRIVQL_RETENTION_KEY is a ${key.asymmetricKeyType} key; the retention key is Ed25519 (npm run audit:keygen)`);
  return key;
}

/** The keys a checkpoint may be signed with; empty when neither variable is set. */
export function retentionPublicKeys(env: NodeJS.ProcessEnv): KeyObject[] {
  const value = env.PRIVQL_RETENTION_PUBLIC_KEY;
  if (!value) {
    const privateKey = retentionPrivateKey(env);
    return privateKey ? [createPublicKey(privateKey)] : [];
  }
  return pemBlocks(value, 'PRIVQL_RETENTION_PUBLIC_KEY').map((pem) => {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new RetentionKeyError('PRIVQL_RETENTION_PUBLIC_KEY holds something that is not a public key in PEM form');
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new RetentionKeyError(`PRIVQL_RETENTION_PUBLIC_KEY holds a ${key.asymmetricKeyType} key; the retention key is Ed25519`);
    return key;
  });
}

// The value itself, with `\n` written out as in many .env files, or a path.
function pemBlocks(value: string, variable: string): string[] {
  let text = value;
  if (!value.includes('-----BEGIN')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw new RetentionKeyError(`${variable} is neither a PEM key nor the path of a readable file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  const blocks = text.replace(/\\n/g, '\n').match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g);
  if (!blocks) throw new RetentionKeyError(`${variable} holds no PEM block`);
  return blocks;
}
