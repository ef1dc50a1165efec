// `npm run token -- --role AGENT --app crm-console [--sub ID] [--expires 3600]`:
// prints a development token signed with JWT_SECRET (or the development default,
// with a warning: a server started with its own JWT_SECRET refuses such a token).

import { DEV_SECRET } from '../config';
import { mintToken } from '../auth/token';
import { demoAppFor } from '../auth/demoApps';
import { ROLES, isOneOf } from '../policy/vocabulary';

export const CUSTOMER_NEEDS_SUB =
  '--role CUSTOMER needs --sub CUSTOMER_ID: a customer token acts for one customer, named by its id (customers.id), ' +
  'and with an id no customer has, `me` is null. An AGENT token can list ids: { customers(first: 3) { nodes { id name } } }';

export const DEVELOPMENT_SECRET_WARNING =
  'token: WARNING: JWT_SECRET is not set, so this token is signed with the built-in development secret: ' +
  'only a server started without JWT_SECRET accepts it. Set the same JWT_SECRET as the server.';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = console.error): Promise<string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`usage: token --role ROLE [--app APP] [--sub ID] [--expires SECONDS]`);
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const role = args.get('role');
  if (!isOneOf(ROLES, role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  // A made-up subject would give a token that works but finds no one.
  if (role === 'CUSTOMER' && !args.get('sub')) throw new Error(CUSTOMER_NEEDS_SUB);
  const expires = Number(args.get('expires') ?? 3600);
  if (!Number.isFinite(expires)) throw new Error('--expires takes a number of seconds');
  if (!env.JWT_SECRET) warn(DEVELOPMENT_SECRET_WARNING);
  return mintToken({
    secret: env.JWT_SECRET || DEV_SECRET,
    role,
    app: args.get('app') ?? demoAppFor(role),
    sub: args.get('sub') ?? `${role.toLowerCase()}-1`,
    expiresIn: expires,
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (token) => console.log(token),
    (err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(2);
    },
  );
}
