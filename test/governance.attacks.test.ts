// A security review of issue 9's governance surfaces, written as attacks:
// the public privacy-notice route (cost, rate limit, source networks), the
// officer's publishing under concurrency, and the review tools (what the
// exposure diff lets through, what the lint reads from a schema folder).
// The notice's values are checked elsewhere (privacyNotice.test.ts); here,
// what surrounds them.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { addressSource } from '../src/audit/denialAggregator';
import { main as privacyDiff } from '../src/cli/privacyDiff';
import { diffExposure } from '../src/governance/exposureDiff';
import { publicFieldsSelected } from '../src/governance/notice/publicRoute';
import { exposureMatrix } from '../src/governance/exposureMatrix';
import { readSchemaFolder } from '../src/governance/schemaSource';
import { reviewSchema } from '../src/governance/sdl';
import { startHarness, type Harness } from './support/harness';
import { editSdl } from './support/schemaVariants';

const ROOT = join(__dirname, '..');
const PUBLISH = 'mutation { publishPrivacyNotice { status version notificationsQueued } }';

describe('the public notice route', () => {
  // A small public allowance, so the test can use it up.
  const LIMIT = 20;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ customers: 12, env: { PRIVQL_RATE_LIMIT_PRINCIPAL: String(LIMIT) } });
  });
  afterAll(async () => {
    await h?.close();
  });
  const post = (query: string, headers: Record<string, string> = {}) =>
    fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `n${i}: privacyNotice { json }`).join(' ')} }`;

  test('each notice a request asks for counts against the public allowance: aliases do not multiply it', async () => {
    // 15 aliases (the alias limit) generate the notice 15 times: ~470 kB and
    // 45 SQL statements for one tokenless request of 600 bytes. Counted as
    // one read, an allowance of LIMIT requests gave 15 x LIMIT notices.
    const first = await post(aliases(15));
    expect(first.status).toBe(200);
    expect(Object.keys(first.body.data)).toHaveLength(15);
    const second = await post(aliases(15));
    expect(second.status).toBe(429);
    expect(second.body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', reason: 'PUBLIC_RATE_LIMIT' });
    // A spoofed X-Forwarded-For does not make a new source: no proxy is trusted.
    const spoofed = await post('{ privacyNotice { version } }', { 'x-forwarded-for': '198.51.100.7' });
    expect(spoofed.status).toBe(429);
  });
});

describe('the public route\'s check of a document', () => {
  test('fragments spread twice at each of many levels are checked once each, not once per path', () => {
    // { ...F0 } fragment F0 on Query { ...F1 ...F1 } ... F26 { privacyNotice }:
    // 1 kB, far under the token limit, and 2^26 paths to F26. The check runs
    // before the rate limit and blocks the event loop for every caller: each
    // level doubled its time (24 levels: 4 s; the token limit allows ~150).
    const levels = 26;
    const defs = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const document = parse(`{ ...F0 } ${defs} fragment F${levels} on Query { privacyNotice { version } }`, { maxTokens: 2000 });
    const started = Date.now();
    expect(publicFieldsSelected(document)).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('each notice field in the document is one read, however often its fragment is spread', () => {
    const twoAliases = parse('{ ...F ...F ... on Query { c: privacyNotice(version: 1) { version } } } fragment F on Query { a: privacyNotice { version } b: privacyNotice { json } }');
    expect(publicFieldsSelected(twoAliases)).toBe(3);
    expect(publicFieldsSelected(parse('{ privacyNotice { version } optOutTerms { kind } }'))).toBe(0);
    expect(publicFieldsSelected(parse('{ ...F } fragment F on Query { ...G } fragment G on Query { ...F privacyNotice { version } }'))).toBe(0);
  });
});

describe('publishing under concurrency', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ customers: 15 });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('two officers publishing at once make one version and one notification per customer', async () => {
    const results = await Promise.all([h.graphql(PUBLISH, { role: 'OFFICER' }), h.graphql(PUBLISH, { role: 'OFFICER' }), h.graphql(PUBLISH, { role: 'OFFICER' })]);
    const statuses = results.map((r) => r.body.data?.publishPrivacyNotice?.status).sort();
    expect(statuses).toEqual(['PUBLISHED', 'UNCHANGED', 'UNCHANGED']);
    expect(await h.db.knex('privacy_notices').pluck('version')).toEqual([1]);
    const active = Number((await h.db.knex('customers').whereNull('erased_at').count({ n: '*' }).first())!.n);
    expect(Number((await h.db.knex('notice_outbox').count({ n: '*' }).first())!.n)).toBe(active);
  });
});

describe('source networks of the public and unauthenticated limits', () => {
  test('an IPv6 address is counted in its own /64, however its zeros are compressed', () => {
    // 2001:db8::5:a:b:c:d is 2001:db8:0:5:a:b:c:d: the "::" stands for one
    // zero group. Read as 2001:db8:0:0, every /64 of 2001:db8:0:X shared one
    // allowance: one network could use up its neighbours'.
    expect(addressSource('2001:db8::5:a:b:c:d')).toBe('network 2001:db8:0:5::/64');
    expect(addressSource('2001:db8::6:a:b:c:d')).not.toBe(addressSource('2001:db8::5:a:b:c:d'));
    expect(addressSource('2001:db8:0:5::1')).toBe(addressSource('2001:db8::5:a:b:c:d'));
    expect(addressSource('::1')).toBe('network 0:0:0:0::/64');
    expect(addressSource('fe80::1%eth0')).toBe('network fe80:0:0:0::/64');
  });
});

describe('the exposure diff', () => {
  const shipped = () => readSchemaFolder(join(ROOT, 'schema'), ROOT);
  const matrixOf = (files: ReturnType<typeof shipped>) => exposureMatrix(reviewSchema(files).catalog);

  test('a generalization replaced by a pseudonym grows exposure: the pseudonym keeps every distinct value apart', () => {
    // PREFIX released "123**"; a pseudonym of the whole postal code lets a
    // partner group customers by exact postal code (and link them across
    // responses). Ranked with the suppressing strategies, it passed as a reduction.
    const pseudonymized = editSdl(shipped(), [
      {
        file: 'customer.graphql',
        find: 'postalCode: String @personal(purposes: [CUSTOMER_SERVICE], mask: PREFIX, anonymize: PREFIX)',
        replace: 'postalCode: String @personal(purposes: [CUSTOMER_SERVICE], mask: PREFIX, anonymize: PSEUDONYM)',
      },
    ]);
    const diff = diffExposure(matrixOf(shipped()), matrixOf(pseudonymized));
    const partner = diff.changes.find((c) => c.role === 'PARTNER' && c.coordinate === 'Customer.postalCode');
    expect(partner).toMatchObject({ grows: true, after: { action: 'ANONYMIZED', strategy: 'PSEUDONYM' } });
    expect(diff.grows).toBe(true);
  });

  describe('between git refs', () => {
    let repo: string;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    beforeAll(() => {
      repo = mkdtempSync(join(tmpdir(), 'privql-attack-repo-'));
      git('init', '-q');
      git('config', 'user.email', 'review@example.com');
      git('config', 'user.name', 'review');
      cpSync(join(ROOT, 'schema'), join(repo, 'schema'), { recursive: true });
      mkdirSync(join(repo, 'src', 'policy'), { recursive: true });
      writeFileSync(join(repo, 'src', 'policy', 'roles.ts'), readFileSync(join(ROOT, 'src', 'policy', 'roles.ts'), 'utf8'));
      git('add', '.');
      git('commit', '-q', '-m', 'base');
      // The partner's view widened from selective anonymization to the
      // standard view: no annotation changes, every partner field grows.
      const roles = readFileSync(join(repo, 'src', 'policy', 'roles.ts'), 'utf8');
      const widened = roles.replace("PARTNER: { THIRD_PARTY_DISCLOSURE: view('SELECTIVE_ANONYMIZATION', 'THIRD_PARTY_DISCLOSURE') }", "PARTNER: { THIRD_PARTY_DISCLOSURE: view('STANDARD') }");
      expect(widened).not.toBe(roles);
      writeFileSync(join(repo, 'src', 'policy', 'roles.ts'), widened);
      git('commit', '-q', '-am', 'widen the partner view');
    });
    afterAll(() => {
      if (repo) rmSync(repo, { recursive: true, force: true });
    });

    test('a change to the policy between the refs is not passed as "no change": exit 1, naming the files', async () => {
      const out: string[] = [];
      const code = await privacyDiff(['HEAD~1', 'HEAD'], { out: (l) => out.push(l), err: (l) => out.push(l) }, repo);
      expect(out.join('\n')).toContain('src/policy/roles.ts');
      expect(code).toBe(1);
    });

    test('with no policy change between the refs the verdict is the annotations\' alone', async () => {
      const out: string[] = [];
      const code = await privacyDiff(['HEAD', 'HEAD'], { out: (l) => out.push(l), err: (l) => out.push(l) }, repo);
      expect(out.join('\n')).toContain('No change in exposure.');
      expect(code).toBe(0);
    });
  });
});

describe('the schema folder the review tools read', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'privql-attack-schema-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a .graphql symlink to a file outside the folder is refused, and nothing of that file is shown', () => {
    // A pull request can commit schema/x.graphql -> ~/.npmrc; the lint's
    // syntax error would print the first token of the secret into the CI log
    // (and a link to /dev/zero or a FIFO hangs the job).
    const secret = join(dir, 'outside.txt');
    writeFileSync(secret, 'SECRET_TOKEN_4f2a = hunter2\n');
    mkdirSync(join(dir, 'schema'));
    symlinkSync(secret, join(dir, 'schema', 'x.graphql'));
    let message = '';
    try {
      readSchemaFolder(join(dir, 'schema'), dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('x.graphql is not a regular file in the folder');
    expect(message).not.toContain('SECRET_TOKEN');
  });
});
