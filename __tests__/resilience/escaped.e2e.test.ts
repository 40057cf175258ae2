/**
 * An error that escapes the run's own handling ends the step with one line
 * that names it, never the bundle's minified source: here the runner's
 * output file cannot be written.
 */
import { expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, runAction } from '../helpers/run-action.js'

const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', rootAccounts(1)).addBlueprint({ id: BLUEPRINT_ID })
})

const inputs = () => shareInputs(emulator, { 'account-ids': rootAccounts(1)[0] })
const MISSING = '/nonexistent-runner-dir/output'

test('a GITHUB_OUTPUT that cannot be written: one line naming it, exit 1, no bundle source', async () => {
  const result = await runAction(inputs(), { GITHUB_OUTPUT: MISSING })

  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toBe(
    `::error::The step failed unexpectedly: Missing file at path: ${MISSING}`
  )
  // Node prints the source line of an uncaught error: for a minified bundle, all of it.
  expect(result.stderr.length).toBeLessThan(2000)
  expect(result.stdout + result.stderr).not.toMatch(/webpack|__webpack_require__/)
  // The share itself was made: the failure says the outputs could not be written, not that it failed.
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(rootAccounts(1))
})

test('with step debug logging, the stack is in the log as debug lines', async () => {
  const result = await runAction(inputs(), { GITHUB_OUTPUT: MISSING, RUNNER_DEBUG: '1' })

  expect(result.exitCode).toBe(1)
  expect(result.stdout).toMatch(/::debug::Error: Missing file at path/)
})
