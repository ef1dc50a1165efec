// `npm run views:sql [-- SCHEMA]`: prints the privacy views' SQL as it is
// generated from the annotations, for review before a deployment applies it
// at start. SCHEMA: the data schema, when the database works in one.

import { buildPrivqlSchema } from '../server/schema';
import { formatScript, generatePrivacyViews } from '../data/privacyViews/generate';
import { privacyNames } from '../data/privacyViews/names';

export function main(argv: readonly string[]): string {
  const { catalog } = buildPrivqlSchema();
  return formatScript(generatePrivacyViews(catalog, privacyNames(argv[0])));
}

if (require.main === module) {
  try {
    process.stdout.write(main(process.argv.slice(2)));
  } catch (err) {
    console.error(`privql: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
