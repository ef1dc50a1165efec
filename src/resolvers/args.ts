// Argument checks and the connection shape shared by the paginated root
// fields: every list answers `first`, `after` and bad strings the same way.

import { badUserInput } from '../server/errors';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidArg(value: string, name: string): string {
  if (!UUID.test(value)) throw badUserInput(`${name} is not a customer id`);
  return value;
}

// PostgreSQL text cannot hold NUL: refuse it as bad input rather than fail in SQL.
export function textArg(value: string | null | undefined, name: string): string | undefined {
  if (value == null) return undefined;
  if (value.includes('\u0000')) throw badUserInput(`${name} must not contain NUL characters`);
  return value;
}

export function pageSize(first: number | null | undefined, max: number, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > max) throw badUserInput(`first must be between 0 and ${max}`);
  return size;
}

/**
 * A page as a connection. Cursors are encrypted, so they are made only when
 * the query asks for them, once each: endCursor must equal the last edge's.
 *
 * An empty page (`first: 0`) ends where it started, so its endCursor is the
 * `after` it was asked with (null at the start of the list): continuing from
 * endCursor always gives the next page, and hasNextPage says whether that
 * page has a row — what `totalCount > 0` would say, nothing more.
 */
export function connection<T, N>(page: T[], hasNextPage: boolean, cursorOf: (item: T) => string, nodeOf: (item: T, index: number) => N, startCursor: string | null = null) {
  const made = new Map<T, string>();
  const cursor = (item: T) => made.get(item) ?? made.set(item, cursorOf(item)).get(item)!;
  const nodes = page.map(nodeOf);
  return {
    nodes,
    edges: page.map((item, i) => ({ node: nodes[i], get cursor() { return cursor(item); } })),
    pageInfo: { hasNextPage, get endCursor() { return page.length > 0 ? cursor(page[page.length - 1]) : startCursor; } },
  };
}
