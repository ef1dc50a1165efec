// Tests that run privql's command-line tools as child processes run them
// compiled, as `npm start` does, from a build of their own: a shared dist/
// could be rewritten by another test file's build while it runs. The build
// goes under node_modules/.cache, so the compiled files still find the
// project's node_modules and schema/.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

export interface CompiledCli {
  /** Path of a compiled module, e.g. `src/cli/start.js`. */
  path(relative: string): string;
  remove(): Promise<void>;
}

export async function compileCli(): Promise<CompiledCli> {
  const outDir = join(ROOT, 'node_modules', '.cache', `privql-test-build-${process.pid}-${randomBytes(4).toString('hex')}`);
  await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT });
  return {
    path: (relative) => join(outDir, relative),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}
