// The folders served or read as they are (web/ pages, schema/ SDL) live at the
// project root, found from here whether this runs from src/ (tests) or from
// the compiled dist/src/.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function projectDir(name: string, marker: string): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, name, marker))) return join(dir, name);
  }
  throw new Error(`${name}/ not found`);
}
