// A schema under review, as SDL files with their names (pure). The review
// tools build it the way the server does, without resolvers, and keep where
// each field and enum value is written so findings can point at a line.

import { Kind, Source, parse, type GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { inspectCatalog, type Catalog, type CatalogProblem } from '../../directives/catalog';

export interface SdlFile {
  /** As shown to the reviewer: a path relative to where the tool runs, or `REF:schema/x.graphql`. */
  name: string;
  text: string;
}

export interface SdlLocation {
  file: string;
  line: number;
  column: number;
}

export interface ReviewedSchema {
  schema: GraphQLSchema;
  catalog: Catalog;
  /** Classification problems: the server would refuse to start on any of them. */
  problems: CatalogProblem[];
  /** Where each `Type.field` and `Enum.VALUE` is written. */
  locations: ReadonlyMap<string, SdlLocation>;
}

/** Builds the schema of `files`; throws (a GraphQLError naming file and line) when the SDL does not parse or validate. */
export function reviewSchema(files: readonly SdlFile[]): ReviewedSchema {
  const documents = files.map((f) => parse(new Source(f.text, f.name)));
  const schema = makeExecutableSchema({ typeDefs: documents });
  const { catalog, problems } = inspectCatalog(schema, ANONYMITY_POLICY.bandWidths);
  return { schema, catalog, problems, locations: locationsOf(files, documents) };
}

function locationsOf(files: readonly SdlFile[], documents: ReturnType<typeof parse>[]): Map<string, SdlLocation> {
  const locations = new Map<string, SdlLocation>();
  documents.forEach((doc, i) => {
    const at = (offset: number): SdlLocation => ({ file: files[i].name, ...lineAndColumn(files[i].text, offset) });
    for (const def of doc.definitions) {
      if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) {
        for (const field of def.fields ?? []) locations.set(`${def.name.value}.${field.name.value}`, at(field.name.loc?.start ?? 0));
      } else if (def.kind === Kind.ENUM_TYPE_DEFINITION || def.kind === Kind.ENUM_TYPE_EXTENSION) {
        for (const value of def.values ?? []) locations.set(`${def.name.value}.${value.name.value}`, at(value.name.loc?.start ?? 0));
      }
    }
  });
  return locations;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
