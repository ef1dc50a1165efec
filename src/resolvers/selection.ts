// Which fields of a type a request selected, so the SQL reads only those
// columns. Fragments are followed; @skip/@include are ignored, which can only
// read a column too many, never one too few.

import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Field names selected directly under the given field nodes. */
export function selectedFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) if (node.selectionSet) collect(info, node.selectionSet, names, undefined);
  return names;
}

/** The field nodes reached by following a path of field names (e.g. ['edges', 'node']). */
export function fieldNodesAt(info: GraphQLResolveInfo, nodes: readonly FieldNode[], path: readonly string[]): FieldNode[] {
  let current = [...nodes];
  for (const name of path) {
    const next: FieldNode[] = [];
    for (const node of current) if (node.selectionSet) collect(info, node.selectionSet, undefined, { name, into: next });
    current = next;
  }
  return current;
}

function collect(
  info: GraphQLResolveInfo,
  set: SelectionSetNode,
  names: Set<string> | undefined,
  find: { name: string; into: FieldNode[] } | undefined,
  seen = new Set<string>(),
): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      names?.add(sel.name.value);
      if (find && sel.name.value === find.name) find.into.push(sel);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collect(info, sel.selectionSet, names, find, seen);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD && !seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const fragment = info.fragments[sel.name.value];
      if (fragment) collect(info, fragment.selectionSet, names, find, seen);
    }
  }
}
