// An unknown enum value ("ANALYS" for a Role) is refused by GraphQL
// validation; graphql-js would suggest the nearest value, which the request
// armor hides (suggestions would spell out field names nobody asked about).
// An enum's values are the whole answer to "what may I send", and public in
// the schema anyway, so the refusal lists them all instead.

import { isEnumType, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';

const UNKNOWN_ENUM_VALUE = /(Value (?:"(?:[^"\\]|\\.)*"|\S+) does not exist in "(\w+)" enum)\.(?: Did you mean[^?]*\?| \[Suggestion hidden\]\?)?/;

/** Adds "allowed values: …" to graphql-js's unknown-enum-value messages, for the enums of `schema`. */
export function enumValuesHint(schema: GraphQLSchema): (error: GraphQLFormattedError) => GraphQLFormattedError {
  return (error) => {
    const match = UNKNOWN_ENUM_VALUE.exec(error.message);
    const type = match ? schema.getType(match[2]) : undefined;
    if (!match || !isEnumType(type)) return error;
    const allowed = type.getValues().map((v) => v.name);
    return {
      ...error,
      message: error.message.replace(match[0], `${match[1]}; allowed values: ${allowed.join(', ')}.`),
      extensions: { ...error.extensions, allowedValues: allowed },
    };
  };
}
