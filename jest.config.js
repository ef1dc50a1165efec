/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/directives', '<rootDir>/seeds', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/support/pgliteCjsTransform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
  testTimeout: 60000,
  // One migrated PGlite per run, made by the first test file that needs it and copied by the others (test/support/pgliteTemplate.ts).
  globalSetup: '<rootDir>/test/support/jestGlobalSetup.ts',
  globalTeardown: '<rootDir>/test/support/jestGlobalTeardown.ts',
  // Jest's default is one worker fewer than the cores: one on the 2-core CI
  // machine. The tests mostly wait on a database, so two workers there cut
  // the PGlite run from ~620 s to ~375 s with every test passing.
  maxWorkers: '100%',
};
