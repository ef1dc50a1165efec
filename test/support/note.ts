// Figures a test measures (sizes, timings, cases checked) are worth reading
// when working on that code, but a green `npm test` should print nothing
// beyond jest's own summary: they are shown with PRIVQL_TEST_VERBOSE=1.
export const note: (message: string) => void = process.env.PRIVQL_TEST_VERBOSE === '1' ? (m) => console.log(m) : () => undefined;
