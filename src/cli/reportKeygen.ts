// `npm run report:keygen [-- --out DIR]`: a key pair for signing reports.

import { keygen } from './auditKeygen';
import { consoleIo } from './io';

process.exit(
  keygen(process.argv.slice(2), consoleIo, {
    command: 'report:keygen',
    name: 'report signing key',
    file: 'report-key',
    privateVariable: 'PRIVQL_REPORT_SIGNING_KEY',
    privateHolder: 'whoever issues reports (npm run report -- --sign)',
    publicVariable: 'PRIVQL_REPORT_PUBLIC_KEY',
    publicHolder: 'report:verify',
  }),
);
