// Tests that run privql's command-line tools as child processes run them
// compiled, as `npm start` does, from a build of their own: a shared dist/
// could be rewritten by a later build while they run. Their build is a copy
// of dist/, brought up to date first (scripts/ensureBuilt.js: compiled only
// when the sources changed, one build at a time), rather than a tsc run of
// their own: the same files, without a full compile per test file. The copy
// goes under node_modules/.cache, so the compiled files still find the
// project's node_modules and schema/.

import { randomBytes } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDist } from './processes';

const ROOT = join(__dirname, '..', '..');

export interface CompiledCli {
  /** Path of a compiled module, e.g. `src/cli/start.js`. */
  path(relative: string): string;
  remove(): Promise<void>;
}

export async function compileCli(): Promise<CompiledCli> {
  const outDir = join(ROOT, 'node_modules', '.cache', `privql-test-build-${process.pid}-${randomBytes(4).toString('hex')}`);
  await buildDist();
  await cp(join(ROOT, 'dist'), outDir, { recursive: true });
  return {
    path: (relative) => join(outDir, relative),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}
