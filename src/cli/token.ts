// `npm run token -- --role AGENT --app crm-console [--sub ID] [--expires 3600]`:
// prints a development token signed with JWT_SECRET (or the development default).

import { DEV_SECRET } from '../config';
import { mintToken } from '../auth/token';
import { demoAppFor } from '../auth/demoApps';
import { ROLES, isOneOf } from '../policy/vocabulary';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`usage: token --role ROLE [--app APP] [--sub ID] [--expires SECONDS]`);
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const role = args.get('role');
  if (!isOneOf(ROLES, role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const expires = Number(args.get('expires') ?? 3600);
  if (!Number.isFinite(expires)) throw new Error('--expires takes a number of seconds');
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
