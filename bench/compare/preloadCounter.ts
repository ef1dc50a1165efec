// Preloaded into each server child with `node -r` (processes.ts): counts the
// statements of the pg that the server's own script resolves (PostGraphile
// has its own copy under bench/postgraphile) and answers the parent's
// 'statements' message over the IPC channel.

import { dirname } from 'node:path';
import { installStatementCounter } from './statementCounter';

if (process.send && process.argv[1]) {
  const counter = installStatementCounter(require(require.resolve('pg', { paths: [dirname(process.argv[1])] })));
  process.on('message', (message) => {
    if (message === 'statements') process.send!({ statements: counter.read() });
  });
}
