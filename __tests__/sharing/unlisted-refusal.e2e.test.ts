/**
 * One region, revoke-unlisted, a share list that cannot be read (the
 * international site): the step refuses before any change, and no account
 * is reported failed, since none was touched (a dry run alike).
 */
import { expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, runAction } from '../helpers/run-action.js'

const [a, b] = rootAccounts(2)
const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [a, b]).addBlueprint({ id: BLUEPRINT_ID, sharedWith: [b] })
}, 'international')

test.each(['false', 'true'])(
  'nothing changed (dry-run %s): no account is reported failed',
  async (dryRun) => {
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': a, 'revoke-unlisted': 'true', 'dry-run': dryRun })
    )
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('Nothing was changed')
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([b])
    expect(JSON.parse(result.outputs['failed-account-ids'])).toEqual([])
  },
  30_000
)
