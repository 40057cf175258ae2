/** ESM TypeScript through ts-jest; `npm test` sets --experimental-vm-modules. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testTimeout: 30000,
  // Most suites wait on the emulator and on child processes, not the CPU: four
  // workers on two cores run the suite in a third of the time one worker takes.
  maxWorkers: 4
}
