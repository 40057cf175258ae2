/**
 * Sizes have bounds: the job summary always fits (GitHub drops one over
 * 1 MiB whole), text from outside is cut, an annotation stays short. The
 * bundled action against the emulator.
 */
import { expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'

const emulator = emulatorForEachTest((created) => {
  created.addBlueprint({ id: BLUEPRINT_ID, region: 'ap-singapore' })
})

test('a dry run for 8,000 accounts in three regions writes a summary well under 1 MiB, and says where the rest are', async () => {
  const accounts = rootAccounts(8000)

  const result = await runAction(
    shareInputs(emulator, {
      region: 'ap-singapore',
      'account-ids': accounts.join('\n'),
      'copy-to-regions': 'ap-tokyo, ap-bangkok',
      'dry-run': 'true'
    })
  )

  expect(errorLine(result)).toBe('')
  expect(result.exitCode).toBe(0)
  expect(Buffer.byteLength(result.summary)).toBeLessThan(256 * 1024)
  expect(result.summary).toContain('… and 7834 more account(s)')
  expect(result.summary).toContain('the log group "Accounts in ap-tokyo" list them all')
  expect(result.stdout).toContain('::group::Accounts in ap-tokyo')
  // The outputs keep every account.
  expect(listOutput(result, 'shared-account-ids')).toHaveLength(8000)
}, 60_000)

test('a 2 MiB API error message is cut in the annotation and the summary', async () => {
  emulator.inject('DescribeBlueprints', {
    kind: 'error',
    code: 'UnauthorizedOperation.NoPermission',
    message: 'x'.repeat(2 << 20)
  })

  const result = await runAction(
    shareInputs(emulator, { region: 'ap-singapore', 'account-ids': rootAccounts(1).join(',') })
  )

  expect(result.exitCode).toBe(1)
  expect(errorLine(result).length).toBeLessThan(5000)
  expect(errorLine(result)).toMatch(/x… \(\d+ more characters\)/)
  expect(Buffer.byteLength(result.summary)).toBeLessThan(20_000)
  expect(result.stdout.length).toBeLessThan(50_000)
})
