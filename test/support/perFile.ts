// A test file's shared fixtures (a harness, a browser) start once in beforeAll
// and stop in afterAll. Declared here once, so a test file says only what it
// needs; the object handed back is filled in when beforeAll has run, so read
// its fields inside tests, not at the top of the file.

export function perFile<T extends object>(start: () => Promise<T>, stop: (started: Partial<T>) => Promise<void>): T {
  const fixtures = {} as T;
  beforeAll(async () => {
    Object.assign(fixtures, await start());
  });
  afterAll(() => stop(fixtures));
  return fixtures;
}
