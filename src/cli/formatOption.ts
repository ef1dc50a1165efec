// The arguments of the review tools: positional operands and one
// `--format X` (or `--format=X`) from a closed list.

export type Parsed<F extends string> = { help: true } | { error: string } | { format: F; operands: string[] };

export function parseFormatArgs<F extends string>(argv: readonly string[], formats: readonly F[], fallback: F): Parsed<F> {
  let format: string = fallback;
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--format') {
      if (i + 1 >= argv.length) return { error: '--format needs a value' };
      format = argv[++i]!;
    } else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else if (arg.startsWith('-')) return { error: `unknown option: ${arg}` };
    else operands.push(arg);
  }
  if (!(formats as readonly string[]).includes(format)) return { error: `unknown format ${format}: use ${formats.join(', ')}` };
  return { format: format as F, operands };
}
