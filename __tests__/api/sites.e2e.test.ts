/**
 * Both sites: the China site serves DescribeBlueprintsShareAcrossAccountInfos,
 * the international site (the default endpoint's) does not. The main
 * scenarios run against each; where the shares cannot be read, the share and
 * cancel calls' own answers tell which accounts already were as asked.
 */
import { describe, expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'
import type { Site } from '../emulator/spec.js'
import { SHARE, CANCEL, SHARE_INFO as READ } from '../helpers/actions.js'

const accounts = rootAccounts(12)
const SUB_USER = '300000000001'

describe.each<Site>(['china', 'international'])('on the %s site', (site) => {
  const emulator = emulatorForEachTest((created) => {
    created
      .addAccounts('root', accounts)
      .addAccounts('sub', [SUB_USER])
      .addBlueprint({ id: BLUEPRINT_ID, name: 'golden', sharedWith: accounts.slice(0, 3) })
  }, site)
  const run = (overrides: Record<string, string> = {}) =>
    runAction(shareInputs(emulator, { 'account-ids': accounts.join(','), ...overrides }))
  const readable = site === 'china'

  test('shares with every account that lacks it; the outputs say which already had it', async () => {
    const result = await run()

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts)
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts.slice(3))
    expect((listOutput(result, 'already-shared-account-ids') as string[]).sort()).toEqual(
      accounts.slice(0, 3)
    )
    const foundBy = readable
      ? 'read with DescribeBlueprintsShareAcrossAccountInfos'
      : 'not readable'
    expect(result.summary).toContain(foundBy)
    expect(result.stdout.includes('The current shares cannot be read here (InvalidAction)')).toBe(
      !readable
    )
    // Unread, 12 accounts go in calls of 10 and 2; a refused call is halved until each holder is found.
    const sizes = emulator.callsTo(SHARE).map((c) => (c.params.AccountIds as string[]).length)
    expect(sizes).toEqual(readable ? [9] : [10, 5, 3, 2, 1, 1, 1, 2, 5, 2])
  })

  test('a re-run changes nothing and says every account already had it', async () => {
    expect((await run()).exitCode).toBe(0)
    const before = emulator.sharesOf(BLUEPRINT_ID).sort()

    const again = await run()

    expect(again.exitCode).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(before)
    expect(listOutput(again, 'shared-account-ids')).toEqual([])
    expect((listOutput(again, 'already-shared-account-ids') as string[]).sort()).toEqual(accounts)
  })

  test('a refused account is named with its code; the others get the share', async () => {
    const result = await run({ 'account-ids': [...accounts.slice(3, 6), SUB_USER].join(',') })

    expect(result.exitCode).toBe(1)
    expect(listOutput(result, 'failed-account-ids')).toEqual([SUB_USER])
    expect(errorLine(result)).toContain(
      `${SUB_USER}: InvalidParameterValue.AccountIdsNotOwnerAccount`
    )
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts.slice(3, 6))
  })

  test('revoke takes the share; an account without it needs nothing', async () => {
    const result = await run({
      'account-ids': '',
      'revoke-account-ids': [accounts[0], accounts[5]].join(',')
    })

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts.slice(1, 3))
    expect(listOutput(result, 'revoked-account-ids')).toEqual([accounts[0]])
    expect(result.summary).toContain('did not have it')
    // Unread, both go in one call, refused as "has not shared"; halved, each answer tells.
    const notShared = 'UnsupportedOperation.BlueprintHasNotShared'
    expect(emulator.callsTo(CANCEL).map((c) => c.outcome)).toEqual(
      readable ? [undefined] : [notShared, undefined, notShared]
    )
  })

  test('a share whose answer was lost is settled, and never reported failed', async () => {
    emulator.inject(SHARE, { kind: 'lose-answer' })

    const result = await run({ 'account-ids': accounts.slice(3, 5).join(',') })

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts.slice(0, 5))
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts.slice(3, 5))
    // Read, the shares tell; unread, the call is sent again and "already shared" proves the lost one was made.
    const already = 'UnsupportedOperation.BlueprintAlreadyShared'
    expect(emulator.callsTo(SHARE).map((c) => c.outcome)).toEqual(
      readable ? ['lose-answer'] : ['lose-answer', already, already, already]
    )
  })

  test('copies to another region and shares the copy', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, name: 'golden', region: 'ap-singapore' })

    const result = await run({ region: 'ap-singapore', 'copy-to-regions': 'ap-tokyo' })

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    const [copy] = emulator.blueprintsIn('ap-tokyo')
    expect(emulator.sharesOf(copy.id).sort()).toEqual(accounts)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts)
  }, 30_000)

  test('a dry run changes nothing and says how the shares were found', async () => {
    const result = await run({ 'dry-run': 'true' })

    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(SHARE)).toHaveLength(0)
    expect(result.summary.includes('would share, unless it has it')).toBe(!readable)
    expect(result.summary.includes('not readable')).toBe(!readable)
    // Unread, the plan can only name every listed account.
    expect(listOutput(result, 'shared-account-ids')).toEqual(
      readable ? accounts.slice(3) : accounts
    )
  })

  test('revoke-unlisted works where the shares can be read, and stops before any change where not', async () => {
    const result = await run({
      'account-ids': accounts.slice(1, 4).join(','),
      'revoke-unlisted': 'true'
    })

    expect(result.exitCode).toBe(readable ? 0 : 1)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(
      readable ? accounts.slice(1, 4) : accounts.slice(0, 3)
    )
    expect(emulator.callsTo(SHARE)).toHaveLength(readable ? 1 : 0)
    expect(emulator.callsTo(CANCEL)).toHaveLength(readable ? 1 : 0)
    const refusal = readable
      ? ''
      : 'Input "revoke-unlisted" needs the current share list, and it cannot be read: ' +
        'DescribeBlueprintsShareAcrossAccountInfos answered InvalidAction'
    expect(errorLine(result)).toContain(refusal)
    expect(errorLine(result).includes('Nothing was changed')).toBe(!readable)
    expect(errorLine(result).includes('lighthouse.tencentcloudapi.com')).toBe(!readable)
  })
})

describe('a CAM policy without the share-list read', () => {
  const emulator = emulatorForEachTest((created) => {
    created
      .addAccounts('root', accounts)
      .addBlueprint({ id: BLUEPRINT_ID, sharedWith: [accounts[0]] })
  })
  const limited = (actions: string[]) =>
    emulator.addCredential({
      secretId: 'AKIDlimitedKey0000000001',
      secretKey: 'limited-secret',
      allowedActions: actions
    })

  test('still shares: the refused read only means the answers tell who had it', async () => {
    limited(['DescribeBlueprints', SHARE])

    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': accounts.slice(0, 2).join(','),
        'secret-id': 'AKIDlimitedKey0000000001',
        'secret-key': 'limited-secret'
      })
    )

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(READ)[0].outcome).toBe('UnauthorizedOperation.NoPermission')
    expect(listOutput(result, 'already-shared-account-ids')).toEqual([accounts[0]])
    expect(listOutput(result, 'shared-account-ids')).toEqual([accounts[1]])
    expect(result.summary).toContain(
      'the credentials may not call DescribeBlueprintsShareAcrossAccountInfos'
    )
  })

  test('a refused share stays an error', async () => {
    limited(['DescribeBlueprints'])

    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': accounts[1],
        'secret-id': 'AKIDlimitedKey0000000001',
        'secret-key': 'limited-secret'
      })
    )

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('UnauthorizedOperation.NoPermission')
    expect(listOutput(result, 'failed-account-ids')).toEqual([accounts[1]])
  })
})
