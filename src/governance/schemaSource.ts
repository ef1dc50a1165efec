// Where the review tools read a schema from: a folder of .graphql files, or
// `schema/` as committed at a git ref (`git show REF:schema/x.graphql`).

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { SdlFile } from './sdl';

const SCHEMA_DIR_IN_REPO = 'schema';
/** What the exposure is decided with besides the annotations: the policies and the catalog that reads them. */
export const POLICY_PATHS = ['src/policy', 'directives'];

/**
 * The .graphql files of `dir`, sorted, named relative to `cwd`. Each must be
 * a regular file inside the folder: a committed symlink to a file elsewhere
 * would have its first token printed in the lint's syntax error (into a CI
 * log), and one to a device or FIFO would never finish reading.
 */
export function readSchemaFolder(dir: string, cwd = process.cwd()): SdlFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  if (files.length === 0) throw new Error(`${dir} holds no .graphql files`);
  const folder = realpathSync(dir);
  return files.map((f) => {
    const name = relative(cwd, join(dir, f)).split(sep).join('/');
    const target = realpathSync(join(dir, f));
    if (!target.startsWith(folder + sep) || !statSync(target).isFile()) throw new Error(`${name} is not a regular file in the folder`);
    return { name, text: readFileSync(target, 'utf8') };
  });
}

/** `schema/*.graphql` as committed at `ref` in the repository at `cwd`. */
export function readSchemaAtRef(ref: string, cwd = process.cwd()): SdlFile[] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  // --full-tree: from a subdirectory, ls-tree would list only the entries under it.
  const paths = git('ls-tree', '--full-tree', '--name-only', `${ref}:${SCHEMA_DIR_IN_REPO}`)
    .split('\n')
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  if (paths.length === 0) throw new Error(`${ref} has no ${SCHEMA_DIR_IN_REPO}/*.graphql`);
  return paths.map((f) => {
    const name = `${ref}:${SCHEMA_DIR_IN_REPO}/${f}`;
    return { name, text: git('show', name) };
  });
}

/** A folder when `spec` names one, otherwise a git ref. */
export function readSchema(spec: string, cwd = process.cwd()): SdlFile[] {
  if (isFolder(spec, cwd)) return readSchemaFolder(resolve(cwd, spec), cwd);
  // git would take a leading dash for an option.
  if (spec.startsWith('-')) throw new Error(`${spec} is neither a schema folder nor a git ref`);
  try {
    return readSchemaAtRef(spec, cwd);
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`${spec} is neither a schema folder nor a git ref with ${SCHEMA_DIR_IN_REPO}/*.graphql${detail ? ` (git: ${detail})` : ''}`);
  }
}

/**
 * The policy files that differ between where `oldSpec` and `newSpec` are
 * read from: a git ref's commit, or (for a folder) the working copy, whose
 * policy the review tools run with. Empty when both are folders.
 */
export function policyFilesChanged(oldSpec: string, newSpec: string, cwd = process.cwd()): string[] {
  const refs = [oldSpec, newSpec].filter((spec) => !isFolder(spec, cwd));
  if (refs.length === 0) return [];
  const out = execFileSync('git', ['diff', '--name-only', '--no-ext-diff', '--no-renames', ...refs, '--', ...POLICY_PATHS], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter(Boolean);
}

function isFolder(spec: string, cwd: string): boolean {
  const path = resolve(cwd, spec);
  return existsSync(path) && statSync(path).isDirectory();
}
