// A privacy report is computed from the whole access log (its chain is
// verified again, every record of the period folded) each time it is asked
// for, and the armor's alias limit would let one request ask fifteen times:
// fifteen full passes over the log for the price of one request. A document
// may therefore select Query.privacyReport under one response key only
// (fields under the same key are merged by GraphQL and computed once).

import type { ValidationRule } from 'graphql';
import { limitExceeded } from './refusal';

export const REPORT_FIELD = 'privacyReport';

export const oneReport: ValidationRule = (context) => {
  const keys = new Set<string>();
  return {
    Field(field) {
      if (field.name.value !== REPORT_FIELD || context.getParentType() !== context.getSchema().getQueryType()) return;
      keys.add(field.alias?.value ?? field.name.value);
      if (keys.size === 2) context.reportError(limitExceeded('ONE_REPORT', field));
    },
  };
};
