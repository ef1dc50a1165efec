// What the released schema leaves unguarded, and what stops a row that was
// not released from being read on it.

import { parse, getNamedType, isLeafType, isObjectType } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { buildPrivqlSchema } from './schema';
import { formatError } from './errors';
import { tag } from '../plan/subject';

const { schema, released, catalog } = buildPrivqlSchema();

test('only classified leaf fields of customers, orders and opt-outs, and the orders and opt-outs read with a customer, go unguarded; every other classified field keeps its guard', () => {
  const unguarded: string[] = [];
  for (const type of Object.values(released!.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (!catalog.fields.has(coordinate)) continue;
      // The guarded schema wraps every classified field.
      expect((schema.getType(type.name) as typeof type).getFields()[field.name].resolve).toBeDefined();
      if (!field.resolve) unguarded.push(coordinate);
    }
  }
  for (const coordinate of unguarded) {
    const [typeName, fieldName] = coordinate.split('.');
    expect(['Customer', 'Order', 'OptOuts']).toContain(typeName);
    const type = released!.getType(typeName);
    const named = isObjectType(type) ? getNamedType(type.getFields()[fieldName].type) : undefined;
    expect(isLeafType(named) || ['Order', 'OptOuts'].includes(named!.name)).toBe(true);
  }
  expect(unguarded).toEqual(expect.arrayContaining(['Customer.email', 'Customer.religion', 'Customer.orders', 'Customer.optOuts', 'Order.amount', 'OptOuts.sensitiveDataUse']));
  for (const guarded of ['Customer.accessHistory', 'Customer.contactPreferences', 'Customer.optOutHistory', 'Customer.erasureRequests']) expect(unguarded).not.toContain(guarded);
});

test('a customer row that was not released is an internal error on the released schema, never a value', async () => {
  const raw = tag({ id: '00000000-0000-4000-8000-000000000001', email: 'raw-secret@example.com', religion: 'secret-religion' }, { id: 'c1', sensitiveDataUseOptedOut: false });
  // A root resolver that forgot to release its row (a bug), on a copy of the released schema.
  const query = released!.getQueryType()!.getFields().customer;
  const original = query.resolve;
  query.resolve = () => raw;
  try {
    const compiled = compileQuery(released!, parse('{ customer(id: "00000000-0000-4000-8000-000000000001") { email religion } }'));
    if (!isCompiledQuery(compiled)) throw new Error('not compiled');
    const result = await compiled.query(undefined, {}, {});
    expect(result.data?.customer ?? null).toBeNull();
    const shown = JSON.stringify((result.errors ?? []).map((e) => formatError({ message: e.message, path: e.path as never, extensions: e.extensions })));
    expect(shown).toMatch(/INTERNAL_SERVER_ERROR/);
    expect(shown).not.toMatch(/raw-secret|secret-religion/);
  } finally {
    query.resolve = original;
  }
});
