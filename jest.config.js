/** Two projects: `unit` (pure logic, fast, beside the code) and `e2e` (real cluster, packed plugin). */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: [
        '<rootDir>/packages/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
        '<rootDir>/e2e/support/**/*.spec.ts',
      ],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/e2e/**/*.e2e.ts'],
      // jest ignores testTimeout inside a project: each e2e spec calls jest.setTimeout itself
      globalSetup: '<rootDir>/e2e/support/global-setup.ts',
    },
  ],
};
