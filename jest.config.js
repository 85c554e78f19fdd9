// ESM jest: ts-jest's default-esm preset, run with --experimental-vm-modules (see Makefile).
// isolatedModules: tests are transpiled only; `make typecheck` is the one type check.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/services', '<rootDir>/operator', '<rootDir>/bench'],
  testMatch: ['**/test/**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }],
  },
  testTimeout: 120000,
  // jest defaults to cores - 1 = 1 worker here; the signature differential files need both cores.
  maxWorkers: 2,
};
