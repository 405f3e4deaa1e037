/** Two projects: `unit` (pure logic, fast, beside the code) and `e2e` (real cluster, packed plugin). */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
module.exports = {
  // e2e files mostly wait (on Slurm, sshd, npm, nx child processes), so three run at once even on
  // 2 cores; each has its own workspace, remoteRoot and ports (e2e/support/)
  maxWorkers: 3,
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
      setupFilesAfterEnv: ['<rootDir>/e2e/support/stragglers.ts'],
    },
  ],
};
