// The README's "5-minute tour" pasted in order against a server started with
// `npm start` on PORT=4811 (issue 10, item 10): every command of its sh blocks
// runs as written in bash, and each answer is what the comment beside it says.
// Before, `ask()` went to port 4000 whatever PORT was and printed empty lines.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildDist, childEnv, startNpm, type ServerProcess } from './support/processes';

const PORT = '4811';
let server: ServerProcess | undefined;

beforeAll(() => buildDist(), 300_000);
afterAll(() => server?.kill('SIGTERM'));

/** The sh blocks of the tour section, each `ask` line preceded by a marker naming it. */
function tourScript(): string {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## A 5-minute tour');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  return blocks
    .join('\n')
    .split('\n')
    .flatMap((line) => (line.startsWith('ask ') ? [`printf '### %s\\n' ${singleQuoted(line.replace(/\s+#.*/, '').replace(/\s+/g, ' '))}`, line] : [line]))
    .join('\n');
}

/** A bash word that stays as written ($AGENT not expanded). */
const singleQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

type Answer = { data?: any; errors?: { extensions: { code: string } }[] };

test('the README tour, pasted in order, works on PORT=4811 and answers as its comments say', async () => {
  // No JWT_SECRET in either terminal: the tour's tokens use the development secret, as the README says.
  const env = childEnv({ PORT });
  delete env.JWT_SECRET;
  server = await startNpm(env);
  expect(server.url).toBe(`http://127.0.0.1:${PORT}/graphql`);

  const { stdout, stderr } = await promisify(execFile)('bash', ['-c', tourScript()], { env, timeout: 120_000, maxBuffer: 16 << 20 });
  expect(stderr).not.toMatch(/curl:|command not found|syntax error/);
  const answers = new Map<string, Answer[]>();
  for (const chunk of stdout.split('### ').slice(1)) {
    const [command, ...lines] = chunk.trim().split('\n');
    const previous = answers.get(command!) ?? [];
    answers.set(command!, [...previous, ...lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as Answer)]);
  }
  const first = (command: string, n = 0): Answer => {
    const got = answers.get(command);
    if (!got?.[n]) throw new Error(`no answer for ${command}; commands run: ${[...answers.keys()].join(' | ')}`);
    return got[n]!;
  };
  const node = (command: string) => first(command).data.customers.nodes[0];

  const agent = node('ask "$AGENT" CUSTOMER_SERVICE');
  expect(agent).toMatchObject({ name: expect.any(String), email: expect.stringContaining('@'), religion: null });
  expect(agent.phone).not.toContain('*');
  expect(agent.estimatedIncome % 10_000).toBe(0);

  const marketer = node('ask "$MARKETER" DIRECT_MARKETING');
  expect(marketer).toMatchObject({ name: expect.any(String), email: expect.stringContaining('@') });
  expect(marketer.phone).toMatch(/^\*+\d{4}$/);
  expect(marketer.postalCode).toMatch(/^\d\d\*+$/);
  expect(marketer.birthDate).toMatch(/^\d{4}$/);

  const partner = node('ask "$PARTNER" THIRD_PARTY_DISCLOSURE');
  expect(partner).toMatchObject({ id: expect.stringMatching(/^psn_/), name: null, email: null, phone: null, city: expect.any(String) });
  expect(node('ask "$ANALYST" ANALYTICS').id).toMatch(/^psn_/);
  expect(node('ask "$OFFICER" PRIVACY_ADMINISTRATION').religion).toEqual(expect.any(String));

  // Opt-outs: the customers the agent sees opted out of marketing are absent for the marketer.
  const [forAgent, forMarketer] = answers.get('ask "$AGENT" CUSTOMER_SERVICE; ask "$MARKETER" DIRECT_MARKETING')!;
  const optedOut = forAgent!.data.customers.nodes.filter((n: any) => n.optOuts.directMarketing).map((n: any) => n.id);
  expect(optedOut.length).toBeGreaterThan(0);
  for (const id of optedOut) expect(forMarketer!.data.customers.nodes.map((n: any) => n.id)).not.toContain(id);

  // The agent's later `ask` lines: pages, then filters (in the README's order).
  const [, pages, filtered] = answers.get('ask "$AGENT" CUSTOMER_SERVICE')!;
  expect(pages!.data.customers.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.any(String) });
  expect(filtered!.data.customers.nodes.length).toBeGreaterThan(0);
  for (const n of filtered!.data.customers.nodes) expect(n).toMatchObject({ city: 'San Diego', segment: 'premium' });

  expect(first('ask "$ANALYST" ANALYTICS', 1).data.customers.nodes.length).toBe(2);
  expect(first('ask "$ME" SELF_SERVICE').data.me.name).toEqual(expect.any(String));
  expect(first('ask "$AGENT" ANALYTICS').errors![0]!.extensions.code).toBe('FORBIDDEN');
  expect(first('ask "not-a-token" CUSTOMER_SERVICE').errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
}, 240_000);
