// FieldAccess.action is an enum (issue 10, item 3): every action the code can
// write must be a value of it, or reading such a record would fail, and the
// enum must not promise actions nothing writes.

import { GraphQLEnumType } from 'graphql';
import { buildPrivqlSchema } from '../server/schema';
import { ACTIONS, ROLES, PURPOSES } from '../policy/vocabulary';
import { CHANGE_ACTIONS } from './changeRecord';

const schema = buildPrivqlSchema().schema;
const valuesOf = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name).sort();

test('FieldAction holds exactly the read actions and the change actions', () => {
  expect(valuesOf('FieldAction')).toEqual([...ACTIONS, ...CHANGE_ACTIONS].sort());
});

test('an entry names its role and purpose with the enums the filters take', () => {
  const entry = schema.getType('AccessLogEntry') as import('graphql').GraphQLObjectType;
  expect(String(entry.getFields().role!.type)).toBe('Role');
  expect(String(entry.getFields().purpose!.type)).toBe('Purpose');
  expect(valuesOf('Role')).toEqual([...ROLES].sort());
  expect(valuesOf('Purpose')).toEqual([...PURPOSES].sort());
});
