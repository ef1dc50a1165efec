/** Where a command-line tool writes; tests pass their own to read what it said. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };
