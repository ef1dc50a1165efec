// The shipped schema with a few declared edits, for tests that need a schema
// with one defect or one changed annotation. Built from schema/ at test time
// rather than kept as copies, so a case always tests the current schema; an
// edit whose `find` no longer occurs exactly once throws, so a schema change
// that makes an edit stale fails the test instead of testing nothing.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SdlFile } from '../../src/governance/sdl';

const SCHEMA_DIR = join(__dirname, '..', '..', 'schema');

/** Replace the one occurrence of `find` in schema/`file` by `replace`. */
export interface SchemaEdit {
  file: string;
  find: string;
  replace: string;
}

/** Religion reclassified from @sensitive to @personal: exposure grows for three roles. */
export const RELIGION_PERSONAL: SchemaEdit = {
  file: 'customer.graphql',
  find: 'religion: String @sensitive\n',
  replace: 'religion: String @personal(purposes: [CUSTOMER_SERVICE], mask: REDACT, anonymize: SUPPRESS)\n',
};

/** The 1-based line and column where `text`, which must occur exactly once in `source`, starts. */
export function positionOf(source: string, text: string, what = 'text'): { line: number; column: number } {
  const at = uniqueIndex(source, text, what);
  const before = source.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function uniqueIndex(source: string, text: string, what: string): number {
  const count = source.split(text).length - 1;
  if (count !== 1) throw new Error(`${what}: expected ${JSON.stringify(text)} exactly once, found it ${count} times`);
  return source.indexOf(text);
}

/** `text` (of schema/`edit.file`) with `edit` applied. */
export function applyEdit(text: string, edit: SchemaEdit): string {
  const at = uniqueIndex(text, edit.find, `schema edit of ${edit.file}`);
  return text.slice(0, at) + edit.replace + text.slice(at + edit.find.length);
}

/** In memory: `files` (read from schema/) with `edits` applied, matched by file name. */
export function editSdl(files: readonly SdlFile[], edits: readonly SchemaEdit[]): SdlFile[] {
  for (const edit of edits) {
    if (!files.some((f) => f.name.endsWith(`/${edit.file}`))) throw new Error(`schema edit: no file ${edit.file}`);
  }
  return files.map((f) => ({ ...f, text: edits.filter((e) => f.name.endsWith(`/${e.file}`)).reduce(applyEdit, f.text) }));
}

const created: string[] = [];

/** A fresh folder holding schema/*.graphql with `edits` applied; removed by removeSchemaVariants(). */
export function schemaVariant(edits: readonly SchemaEdit[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'privql-schema-'));
  created.push(dir);
  cpSync(SCHEMA_DIR, dir, { recursive: true });
  for (const edit of edits) {
    const path = join(dir, edit.file);
    if (!existsSync(path)) throw new Error(`schema edit: no file schema/${edit.file}`);
    writeFileSync(path, applyEdit(readFileSync(path, 'utf8'), edit));
  }
  return dir;
}

/** Remove every folder schemaVariant made in this test file: call from afterAll. */
export function removeSchemaVariants(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
