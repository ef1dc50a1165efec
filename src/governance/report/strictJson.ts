// What JSON.parse forgives and a signed report must not: a key given twice in
// one object (JSON.parse keeps the last, so the signature covers the last,
// while a reader or another parser may show the first: the file would say
// two things and verify), and nesting deeper than any report has (the
// canonical form is computed recursively; a hostile file would overflow the
// stack). Scans the text iteratively, after JSON.parse has accepted it.

/** Deeper than a report ever nests (it has at most six levels). */
export const MAX_REPORT_DEPTH = 32;

/** Why `text` (valid JSON) is not acceptable as a signed document, or null. */
export function strictJsonProblem(text: string, maxDepth = MAX_REPORT_DEPTH): string | null {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: Array<Set<string> | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') {
      open.push(c === '{' ? new Set() : null);
      if (open.length > maxDepth) return `it nests more than ${maxDepth} levels deep`;
    } else if (c === '}' || c === ']') open.pop();
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const keys = open[open.length - 1];
      if (!keys || !isKey(text, i + 1)) continue;
      // Decoded, so "\u0072ecords" and "records" are the same key.
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (keys.has(key)) return `the key ${JSON.stringify(key)} is given twice in one object`;
      keys.add(key);
    }
  }
  return null;
}

function isKey(text: string, from: number): boolean {
  let i = from;
  while (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t') i++;
  return text[i] === ':';
}
