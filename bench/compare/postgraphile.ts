// PostGraphile lives in bench/postgraphile with its own package.json and
// lock (it brings graphql 15; privql is on 16). Installed here on first use,
// from the lock, so the project's own install stays as it is.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir } from '../../src/server/webDir';

export interface PostgraphileInstall {
  script: string;
  version: string;
}

export function postgraphileDir(): string {
  return join(projectDir('bench', join('postgraphile', 'package.json')), 'postgraphile');
}

/** The installed PostGraphile, installing it first if needed; null (with the reason logged) when it cannot be had. */
export function ensurePostgraphile(log: (line: string) => void): PostgraphileInstall | null {
  const dir = postgraphileDir();
  const manifest = join(dir, 'node_modules', 'postgraphile', 'package.json');
  if (!existsSync(manifest)) {
    log(`installing PostGraphile: npm ci --prefix ${dir}`);
    const npm = spawnSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (npm.status !== 0 || !existsSync(manifest)) {
      log(`PostGraphile could not be installed (npm ci exited ${npm.status ?? npm.signal}); comparing without it`);
      return null;
    }
  }
  return { script: join(dir, 'server.js'), version: JSON.parse(readFileSync(manifest, 'utf8')).version };
}
