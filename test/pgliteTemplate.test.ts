// A jest run that is killed never runs its global teardown, so its migrated
// template stays in the temporary directory; the next run removes it, and
// only it: a template whose jest process still runs is left alone.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAbandonedTemplates } from './support/pgliteTemplate';

let parent: string;
beforeEach(() => (parent = mkdtempSync(join(tmpdir(), 'privql-abandoned-test-'))));
afterEach(() => rmSync(parent, { recursive: true, force: true }));

function template(name: string, owner?: number, ageMs = 0): void {
  const root = join(parent, `privql-template-${name}`);
  mkdirSync(root);
  writeFileSync(join(root, 'migrated.tar'), 'x');
  if (owner !== undefined) writeFileSync(join(root, 'owner.pid'), String(owner));
  const at = new Date(Date.now() - ageMs);
  utimesSync(root, at, at);
}

/** The pid of a process that has ended. */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test("a killed run's template is removed; a running one's, one being named, and other files are kept", () => {
  template('killed', endedPid());
  template('running', process.pid);
  template('old-without-owner', undefined, 2 * 3600_000);
  template('new-without-owner');
  // Its owner file is being written: empty for an instant.
  template('owner-being-written');
  writeFileSync(join(parent, 'privql-template-owner-being-written', 'owner.pid'), '');
  writeFileSync(join(parent, 'privql-other'), 'kept');

  expect(removeAbandonedTemplates(parent).sort()).toEqual(['privql-template-killed', 'privql-template-old-without-owner']);
  expect(readdirSync(parent).sort()).toEqual(['privql-other', 'privql-template-new-without-owner', 'privql-template-owner-being-written', 'privql-template-running']);
});
