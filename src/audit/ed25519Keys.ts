// Ed25519 keys from configuration, shared by the retention checkpoints and the
// signed privacy reports. Each variable holds a PEM, with `\n` written out as
// in many .env files, or the path of a file holding one; a public-key variable
// may hold several PEM blocks (keys retired by a rotation stay accepted).

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class KeyConfigError extends Error {}

export interface Ed25519KeyPair {
  privatePem: string;
  publicPem: string;
  keyId: string;
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
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

export interface KeyVariables {
  privateVariable: string;
  publicVariable: string;
  /** What the key is, for messages: "the retention key". */
  name: string;
  /** The command that makes a pair, for messages. */
  keygen: string;
  /** The error class thrown (callers catch their own). */
  error?: new (message: string) => KeyConfigError;
}

/** The private key, or null when its variable is not set. */
export function privateKeyFrom(env: NodeJS.ProcessEnv, v: KeyVariables): KeyObject | null {
  const value = env[v.privateVariable];
  if (!value) return null;
  const fail = (message: string) => new (v.error ?? KeyConfigError)(message);
  const [pem] = pemBlocks(value, v.privateVariable, fail);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw fail(`${v.privateVariable} does not hold a private key in PEM form`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw fail(`${v.privateVariable} is a ${key.asymmetricKeyType} key; ${v.name} is Ed25519 (${v.keygen})`);
  return key;
}

/** The public keys accepted; without the public variable, the public half of the private key; empty when neither is set. */
export function publicKeysFrom(env: NodeJS.ProcessEnv, v: KeyVariables): KeyObject[] {
  const value = env[v.publicVariable];
  const fail = (message: string) => new (v.error ?? KeyConfigError)(message);
  if (!value) {
    const privateKey = privateKeyFrom(env, v);
    return privateKey ? [createPublicKey(privateKey)] : [];
  }
  return pemBlocks(value, v.publicVariable, fail).map((pem) => {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw fail(`${v.publicVariable} holds something that is not a public key in PEM form`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw fail(`${v.publicVariable} holds a ${key.asymmetricKeyType} key; ${v.name} is Ed25519`);
    return key;
  });
}

function pemBlocks(value: string, variable: string, fail: (message: string) => Error): string[] {
  let text = value;
  if (!value.includes('-----BEGIN')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw fail(`${variable} is neither a PEM key nor the path of a readable file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  const blocks = text.replace(/\\n/g, '\n').match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g);
  if (!blocks) throw fail(`${variable} holds no PEM block`);
  return blocks;
}
