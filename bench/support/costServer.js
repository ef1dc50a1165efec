#!/usr/bin/env node
// A privql server for bench/cpuCost.ts, run from a given build tree
// (`node costServer.js <root> <databaseUrl> <schema>`), so two builds (say main's
// and a branch's) answer the same database side by side. Plain JavaScript that
// loads the tree's compiled dist/: it has to work against any build. It
// answers its parent's questions over IPC: its CPU time so far, and stop.

'use strict';

const { join } = require('node:path');

async function main() {
  const [root, url, schema] = process.argv.slice(2);
  const { loadConfig } = require(join(root, 'dist/src/config'));
  const { openDatabase } = require(join(root, 'dist/src/data/database'));
  const { startPrivqlServer } = require(join(root, 'dist/src/server/app'));
  const config = loadConfig(process.env);
  const db = await openDatabase({ url, schema, poolMax: 10 });
  const server = await startPrivqlServer({ config, db, port: 0 });
  process.on('message', async (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send({ cpuUs: u.user + u.system });
    } else if (m === 'stop') {
      await server.stop();
      await db.close();
      process.exit(0);
    }
  });
  process.send({ url: server.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
