// bench/results/latest.json and latest.svg: written on every run, ignored by
// git (bench/results/.gitignore), so a run leaves its figures for a reader
// or a later comparison without committing them.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir } from '../../src/server/webDir';

export function resultsDir(): string {
  const dir = join(projectDir('bench', 'compare.ts'), 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeResults(json: object, svg: string | null): { json: string; svg: string | null } {
  const dir = resultsDir();
  const paths = { json: join(dir, 'latest.json'), svg: svg === null ? null : join(dir, 'latest.svg') };
  writeFileSync(paths.json, `${JSON.stringify(json, null, 2)}\n`);
  if (svg !== null) writeFileSync(paths.svg!, svg);
  return paths;
}
