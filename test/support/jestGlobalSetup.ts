// Before any test file: on the embedded database, name the run's migrated
// template (and remove those killed runs left); on a server, drop the scratch
// schemas killed runs left there (bench/support/scratchSchema.ts).

import { dropAbandonedScratchSchemas } from '../../bench/support/scratchSchema';
import { nameTemplateDir } from './pgliteTemplate';

export default async function globalSetup(): Promise<void> {
  nameTemplateDir();
  const url = process.env.DATABASE_URL;
  if (!url) return;
  try {
    const dropped = await dropAbandonedScratchSchemas(url);
    // One line, only when there was something: a green run prints only jest's summary otherwise.
    if (dropped.length > 0) console.log(`\nprivql: dropped ${dropped.length} scratch schema(s) left on the server by runs that ended without dropping them`);
  } catch (err) {
    // The tests themselves say what is wrong with the server, test by test; this is housekeeping.
    console.log(`\nprivql: could not look for scratch schemas left on the server: ${err instanceof Error ? err.message : String(err)}`);
  }
}
