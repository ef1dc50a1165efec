// node-postgres returns a uuid[] (or text[] of ids) as an array; PGlite may
// hand back its text form, `{a,b}`. Ids hold no comma, quote or brace, so the
// text form splits plainly.

export function uuidArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}
