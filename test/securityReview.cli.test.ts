// The security-review commands as a reviewer or CI runs them: compiled, as
// `npm run dictionary | lint:privacy | privacy:diff` do, reading their output
// and exit codes. No database is involved.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { compileCli, type CompiledCli } from './support/compiledCli';
import { parseCsv } from './support/csv';
import { lintCase } from './support/lintCases';
import { positionOf, RELIGION_PERSONAL, removeSchemaVariants, schemaVariant } from './support/schemaVariants';

const ROOT = join(__dirname, '..');
let cli: CompiledCli;
let tmp: string;

beforeAll(async () => {
  cli = await compileCli();
  tmp = mkdtempSync(join(tmpdir(), 'privql-review-'));
}, 120_000);
afterAll(async () => {
  await cli?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  removeSchemaVariants();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli.path(`src/cli/${command}.js`), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run dictionary', () => {
  test('--format csv: a header and one row per classified field', async () => {
    const { code, stdout } = await run('dictionary', ['--format', 'csv']);
    expect(code).toBe(0);
    const rows = parseCsv(stdout);
    expect(rows[0][0]).toBe('coordinate');
    expect(rows.find((r) => r[0] === 'Customer.estimatedIncome')).toEqual(['Customer.estimatedIncome', 'Int', 'personal', 'AUTOMATED_DECISION', 'BAND', 'BAND', '10000', 'INFERRED', 'income']);
    const json = JSON.parse((await run('dictionary', ['--format=json'])).stdout);
    expect(rows).toHaveLength(json.fields.length + 1);
  });

  test('Markdown by default; an unknown format is refused with the usage', async () => {
    expect((await run('dictionary', [])).stdout).toMatch(/^# Data dictionary\n/);
    const bad = await run('dictionary', ['--format', 'xml']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('unknown format xml: use md, json, csv');
  });
});

describe('npm run lint:privacy', () => {
  test('passes on the shipped schema', async () => {
    const { code, stdout } = await run('lintPrivacy', []);
    expect(stdout).toMatch(/^privacy lint: no problems \(\d+ files, \d+ classified fields\)\n$/);
    expect(code).toBe(0);
  });

  test('fails on a schema with a defect, pointing at the line; SARIF for code scanning', async () => {
    const defect = lintCase('sensitive-forbidden-purpose');
    const dir = relative(ROOT, schemaVariant([defect.edit]));
    const file = `${dir}/${defect.edit.file}`;
    const { line, column } = positionOf(readFileSync(join(ROOT, file), 'utf8'), defect.at);
    const text = await run('lintPrivacy', [dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${file}:${line}:${column}: error [sensitive-forbidden-purpose] Customer.religion is @sensitive but allows DIRECT_MARKETING`);
    const sarif = await run('lintPrivacy', [dir, '--format', 'sarif']);
    expect(sarif.code).toBe(1);
    const result = JSON.parse(sarif.stdout).runs[0].results[0];
    expect(result.ruleId).toBe('sensitive-forbidden-purpose');
    expect(result.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: file }, region: { startLine: line, startColumn: column } });
  });

  test('a folder that cannot be read is a usage error (2), not a pass', async () => {
    const { code, stderr } = await run('lintPrivacy', [join(tmp, 'missing')]);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read');
  });
});

describe('npm run privacy:diff', () => {
  const reclassified = () => schemaVariant([RELIGION_PERSONAL]);

  test('reclassifying religion from @sensitive to @personal grows exposure: exit 1, the field and the roles named', async () => {
    const { code, stdout } = await run('privacyDiff', ['schema', reclassified()]);
    expect(stdout).toContain('STANDARD view: AGENT for CUSTOMER_SERVICE\n  + AGENT now sees Customer.religion in clear (was OMITTED)');
    expect(stdout).toContain('  + MARKETER now sees Customer.religion masked (REDACT) (was OMITTED)');
    expect(stdout).toContain('  + DECISION_ENGINE now sees Customer.religion masked (REDACT) (was OMITTED)');
    expect(code).toBe(1);
  });

  test('the way back shrinks it only: exit 0', async () => {
    const { code, stdout } = await run('privacyDiff', [reclassified(), 'schema']);
    expect(stdout).toContain('  - AGENT no longer sees Customer.religion in clear (now OMITTED)');
    expect(code).toBe(0);
  });

  test('a git ref reads schema/ as committed', async () => {
    const same = await run('privacyDiff', ['HEAD', 'HEAD']);
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toContain('No change in exposure.');
    expect((await run('privacyDiff', ['HEAD', reclassified()])).code).toBe(1);
  });

  test('something that is neither a folder nor a ref, or a schema the server would refuse: exit 2', async () => {
    const nothing = await run('privacyDiff', ['schema', 'no-such-ref-or-folder']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('no-such-ref-or-folder is neither a schema folder nor a git ref');
    const refused = await run('privacyDiff', ['schema', schemaVariant([lintCase('unclassified-field').edit])]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Customer.nickname has no classification');
  });
});
