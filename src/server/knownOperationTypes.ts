// graphql-js 16 validates a `mutation` or `subscription` against a schema
// that has none without complaint and fails only when executing it, which
// Apollo answers as an internal error. This rule (graphql 17 has its own)
// refuses it as the client mistake it is: 400 GRAPHQL_VALIDATION_FAILED.

import { GraphQLError, type ValidationRule } from 'graphql';

export const knownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    if (!context.getSchema().getRootType(operation.operation)) {
      context.reportError(new GraphQLError(`this API has no ${operation.operation} operations`, { nodes: operation }));
    }
    return false;
  },
});
