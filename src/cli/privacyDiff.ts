// `npm run privacy:diff -- OLD NEW`: what a schema change newly exposes and
// stops exposing, per view and role, field by field. OLD and NEW are schema
// folders or git refs (their schema/*.graphql). Exit 1 when exposure grows
// or the policy (src/policy, directives/) differs between them, so CI can
// require sign-off; 0 otherwise; 2 when a schema cannot be read or
// would not start the server.

import { diffExposure, formatExposureDiff } from '../governance/exposureDiff';
import { exposureMatrix, MATRIX_ASSUMPTION } from '../governance/exposureMatrix';
import { policyFilesChanged, readSchema } from '../governance/schemaSource';
import { reviewSchema } from '../governance/sdl';
import { consoleIo, invocationDir, runCommand, type Io } from './io';

const USAGE = `usage: npm run privacy:diff -- OLD NEW

  OLD, NEW  a folder of .graphql files, or a git ref (its schema/*.graphql),
            e.g. npm run privacy:diff -- main schema
  exit 1 when the change grows exposure, or when src/policy or directives/
  differ between OLD and NEW (either needs sign-off); 0 otherwise`;

export async function main(argv: readonly string[], io: Io = consoleIo, cwd = invocationDir()): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  if (argv.length !== 2) {
    io.err(`privacy:diff: give OLD and NEW\n\n${USAGE}`);
    return 2;
  }
  const matrices = [];
  for (const spec of argv) {
    try {
      const reviewed = reviewSchema(readSchema(spec, cwd));
      if (reviewed.problems.length > 0) {
        io.err(`privacy:diff: ${spec} would not start the server (see npm run lint:privacy):\n  - ${reviewed.problems.map((p) => p.message).join('\n  - ')}`);
        return 2;
      }
      matrices.push(exposureMatrix(reviewed.catalog));
    } catch (err) {
      io.err(`privacy:diff: ${spec}: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
  }
  const diff = diffExposure(matrices[0], matrices[1]);
  io.out(`Exposure of ${argv[1]} against ${argv[0]}. ${MATRIX_ASSUMPTION}\n`);
  io.out(formatExposureDiff(diff).replace(/\n$/, ''));
  // Both sides are drawn with the working copy's policy, so a change to the
  // policy itself (a role's view, a purpose) would pass as "no change".
  let policyChanged: string[];
  try {
    policyChanged = policyFilesChanged(argv[0], argv[1], cwd);
  } catch (err) {
    io.err(`privacy:diff: cannot compare the policy of ${argv[0]} and ${argv[1]}: ${(err as { stderr?: string }).stderr?.trim() || String(err)}`);
    return 2;
  }
  if (policyChanged.length > 0) {
    io.out(`\nThe policy differs between ${argv[0]} and ${argv[1]} (${policyChanged.join(', ')}): this diff reads annotations only and cannot show what that change exposes. It needs sign-off.`);
  }
  return diff.grows || policyChanged.length > 0 ? 1 : 0;
}

if (require.main === module) runCommand(main);
