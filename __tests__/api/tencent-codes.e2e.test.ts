/** Codes read as Tencent lists them per action: the bundled action against the emulator. */
import { expect, test } from '@jest/globals'
import { BLUEPRINT_ID, emulatorWithImage, rootAccounts, shareInputs } from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'

const accounts = rootAccounts(2)
const emulator = emulatorWithImage(accounts)

test('FailedOperation.DescribeBlueprintsFailed ("try again later") during the wait is retried, not the end of the run', async () => {
  emulator.setBlueprintState(BLUEPRINT_ID, 'SYNCING')
  // 2.5 s after the first read, however long the step took to start.
  emulator.before('DescribeBlueprints', () =>
    emulator.setBlueprintState(BLUEPRINT_ID, 'NORMAL', 2500)
  )
  emulator.inject(
    'DescribeBlueprints',
    { kind: 'error', code: 'FailedOperation.DescribeBlueprintsFailed' },
    { nth: 2 }
  )

  const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join(',') }))

  expect(errorLine(result)).toBe('')
  expect(result.exitCode).toBe(0)
  expect(emulator.callsTo('DescribeBlueprints')[1].outcome).toBe(
    'FailedOperation.DescribeBlueprintsFailed'
  )
  expect(listOutput(result, 'shared-account-ids')).toEqual(accounts)
}, 30_000)
