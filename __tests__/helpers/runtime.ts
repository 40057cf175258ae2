import { actionsRuntime, type Runtime } from '../../src/action/runtime.js'
import { logger } from './logger.js'

/**
 * The production runtime (transports, clock, retry policy), with nothing
 * reaching the real runner (no environment, no summary, silent toolkit) and
 * the overrides a test gives.
 */
export function runtimeWith(overrides: Partial<Runtime>): Runtime {
  return {
    ...actionsRuntime(),
    getInput: () => '',
    setSecret: () => undefined,
    setOutput: () => undefined,
    setFailed: () => undefined,
    log: logger(),
    getIdToken: () => Promise.reject(new Error('no OIDC token in this test')),
    env: {},
    summary: undefined,
    runContext: () => Promise.resolve({ serverUrl: 'https://github.com', runId: 1, sha: '' }),
    ...overrides
  }
}
