#!/usr/bin/env node
// Compiles the TypeScript into dist/ only when it changed since the last build,
// so that `npm run token`, `npm start` and the other commands run compiled code
// at once instead of paying for a full `tsc` on every call. Plain JavaScript:
// it has to run before anything is compiled.
//
// "Changed" is a fingerprint of every file the build compiles (path, size and
// modification time), kept in dist/ after a build that succeeded. A fingerprint
// rather than "newer than dist/" also notices a file deleted or a checkout that
// brought an older file back.
//
//   node scripts/ensureBuilt.js          build if needed, quietly
//   node scripts/ensureBuilt.js --force  build now (`npm run build`)

'use strict';

const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-fingerprint');
// What tsconfig.build.json compiles, and the files that change how it does.
const SOURCE_DIRS = ['src', 'directives', 'seeds', 'bench'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
// Excluded from the build (tsconfig.build.json), so editing a test rebuilds nothing.
const NOT_BUILT = /\.(test|testkit)\.ts$/;

function sourceFiles() {
  const files = CONFIG_FILES.map((f) => join(ROOT, f)).filter((f) => existsSync(f));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // bench/postgraphile's own install is no part of the build (tsc skips node_modules too).
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      }
      else if (!NOT_BUILT.test(entry.name)) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(ROOT, dir))) walk(join(ROOT, dir));
  return files.sort();
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const file of sourceFiles()) {
    const s = statSync(file);
    hash.update(`${relative(ROOT, file)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function build() {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code) => resolve(code === 0));
  });
}

const isFresh = (current) => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === current;

/**
 * One build at a time: two commands started together (or test files run in
 * parallel) would otherwise write the same dist/ files while the other reads
 * them. The second waits, then finds the build done.
 */
async function withBuildLock(work) {
  const lockfile = require(require.resolve('proper-lockfile', { paths: [ROOT] }));
  const lockPath = join(ROOT, 'node_modules', '.cache', 'privql-build.lock');
  mkdirSync(dirname(lockPath), { recursive: true });
  const release = await lockfile.lock(ROOT, { lockfilePath: lockPath, stale: 30_000, retries: { retries: 1000, minTimeout: 100, maxTimeout: 500 } });
  try {
    return await work();
  } finally {
    await release();
  }
}

async function main(argv) {
  const force = argv.includes('--force');
  // Unlocked first: when nothing changed (the usual case) this is all it does.
  if (!force && isFresh(fingerprint())) return 0;
  return withBuildLock(async () => {
    // Taken before the build: a file edited while tsc runs makes the next call build again.
    const current = fingerprint();
    if (!force && isFresh(current)) return 0;
    if (!force) process.stderr.write('privql: sources changed since the last build: compiling (once)…\n');
    if (!(await build())) {
      process.stderr.write('privql: the TypeScript build failed (see above)\n');
      return 1;
    }
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    writeFileSync(STAMP, current);
    return 0;
  });
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`privql: could not build: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
