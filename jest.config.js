/**
 * Jest runs TypeScript through ts-jest in transpile-only mode; `npm run typecheck` does the type checking.
 * Two projects: `unit` (pure, no servers: `npm run test:unit`, fast) and `integration` (real slapd, Samba AD,
 * the simulator, and the CLI as a process). `npm test` runs both.
 */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', diagnostics: false }],
  },
  testMatch: ['**/*.test.ts'],
};

module.exports = {
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    { ...shared, displayName: 'integration', roots: ['<rootDir>/test/integration', '<rootDir>/test/e2e'] },
  ],
};
