// A customer added as the CRM adds one: straight into the customers table,
// not through privql, so only the table's own triggers see it. Its values
// are a copy of an existing customer's, under a new id and account number.

import type { Knex } from 'knex';

/** Adds a copy of customer `like` (by default the first live one by id) under `id` (by default a new one); returns the new id. */
export async function addCrmCustomer(db: Knex, options: { id?: string; like?: string } = {}): Promise<string> {
  const { rows } = await db.raw(
    `INSERT INTO customers (id, account_number, name, email, phone, street, city, postal_code, birth_date, estimated_income, shopping_habits, segment)
     SELECT coalesce(?::uuid, gen_random_uuid()), 'CRM-' || gen_random_uuid(), name, 'crm-' || gen_random_uuid() || '@example.com', phone, street, city, postal_code, birth_date, estimated_income, shopping_habits, segment
       FROM customers WHERE erased_at IS NULL AND (?::uuid IS NULL OR id = ?::uuid) ORDER BY id LIMIT 1 RETURNING id`,
    [options.id ?? null, options.like ?? null, options.like ?? null],
  );
  return rows[0].id;
}
