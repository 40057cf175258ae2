import { describe, expect, jest, test } from '@jest/globals'
import { ApiError } from '../../src/cloud/api-errors.js'
import { RegionRecord } from '../../src/sharing/share/region-record.js'
import { shareBlueprint, type ShareRequest } from '../../src/sharing/share/share.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { FakeLighthouse } from '../helpers/fake-lighthouse.js'
import { logger } from '../helpers/logger.js'

const ids = (n: number, first = 1): string[] =>
  Array.from({ length: n }, (_, i) => String(first + i))

interface ShareOptions {
  revokeAccountIds: string[]
  revokeUnlisted: boolean
  dryRun: boolean
}

async function share(
  api: FakeLighthouse,
  accountIds: string[],
  options: Partial<ShareOptions> = {}
) {
  const { revokeAccountIds = [], revokeUnlisted = false, dryRun = false } = options
  const request: ShareRequest = {
    blueprintId: 'lhbp-6jc6l8yb',
    region: 'ap-guangzhou',
    wanted: { share: accountIds, revoke: revokeAccountIds, revokeUnlisted },
    dryRun,
    waitTimeoutSeconds: 60
  }
  const report = new RegionRecord({
    blueprintId: request.blueprintId,
    region: request.region,
    identity: 'API key AKID00…',
    accountIds: [...accountIds, ...revokeAccountIds],
    dryRun
  })
  const info = jest.fn<(m: string) => void>()
  const run = shareBlueprint(
    {
      api,
      clock: new FakeClock(),
      random: () => 0.5,
      policy: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
      log: logger({ info })
    },
    request,
    report
  )
  const error = await run.then(
    () => undefined,
    (e: unknown) => e as Error
  )
  const results = Object.fromEntries(
    report.accounts.map((a: { accountId: string; result: string }) => [a.accountId, a.result])
  )
  return { report, error, results, info }
}

describe('shareBlueprint', () => {
  test('makes exactly describe, list and one share call for up to ten new accounts', async () => {
    const api = new FakeLighthouse()
    const { error, report } = await share(api, ids(10))
    expect(error).toBeUndefined()
    expect(api.calls).toEqual(['describe', 'list', 'share'])
    expect(report.requestIds).toEqual(['req-1'])
  })

  test('waits for the image before reading or sharing anything', async () => {
    const api = new FakeLighthouse()
    api.states = ['SYNCING', 'SYNCING', 'NORMAL']
    const { error } = await share(api, ids(1))
    expect(error).toBeUndefined()
    expect(api.calls).toEqual(['describe', 'describe', 'describe', 'list', 'share'])
  })

  describe('naming each bad account', () => {
    test('splits a refused batch to find the one bad account and shares with the other nine', async () => {
      const api = new FakeLighthouse()
      api.refused.set('7', 'InvalidParameterValue.AccountIdsNotOwnerAccount')
      const { error, report, results } = await share(api, ids(10))
      expect(error).toBeUndefined()
      expect(report.accountsWith('failed')).toEqual(['7'])
      expect(report.accountsWith('shared')).toEqual(ids(10).filter((a) => a !== '7'))
      expect([...api.shared].sort()).toEqual(
        ids(10)
          .filter((a) => a !== '7')
          .sort()
      )
      expect(results['7']).toBe('failed')
      expect(report.accounts.find((a) => a.accountId === '7')).toMatchObject({
        code: 'InvalidParameterValue.AccountIdsNotOwnerAccount',
        reason: expect.stringContaining("sub-user's ID")
      })
      // 1-10 refused → 1-5 ok, 6-10 refused → 6-8 refused → 6-7 refused → 6 ok, 7 refused; 8 ok; 9-10 ok.
      expect(api.shareCalls).toEqual([
        ids(10),
        ids(5),
        ids(5, 6),
        ids(3, 6),
        ids(2, 6),
        ['6'],
        ['7'],
        ['8'],
        ['9', '10']
      ])
    })

    test('finds three bad accounts of different kinds among good ones, across batches', async () => {
      const api = new FakeLighthouse()
      api.refused.set('2', 'InvalidParameterValue.AccountIdsNotExist')
      api.refused.set('9', 'InvalidParameterValue.AccountIdInvalidAccountArea')
      api.refused.set('14', 'InvalidParameterValue.AccountIdSameWithUin')
      const { error, report } = await share(api, ids(15))
      expect(error).toBeUndefined()
      expect(report.accountsWith('failed')).toEqual(['2', '9', '14'])
      expect(report.accountsWith('shared')).toHaveLength(12)
      expect(report.refusals.map((r) => r.line)).toEqual([
        expect.stringMatching(
          /^2: InvalidParameterValue\.AccountIdsNotExist: No such account.* \(RequestId req-\d+\)$/
        ),
        expect.stringMatching(
          /^9: InvalidParameterValue\.AccountIdInvalidAccountArea: .*China vs international/
        ),
        expect.stringMatching(/^14: InvalidParameterValue\.AccountIdSameWithUin: /)
      ])
    })

    test('records every RequestId, refused calls included', async () => {
      const api = new FakeLighthouse()
      api.refused.set('1', 'InvalidParameterValue.AccountIdsNotExist')
      const { report } = await share(api, ids(2))
      expect(report.requestIds).toEqual(['req-1', 'req-2', 'req-3'])
    })
  })

  describe('a share whose answer was lost', () => {
    test('was applied: the shares are read again and no second share call is made', async () => {
      const api = new FakeLighthouse()
      api.shareFaults.push('lost-after-sharing')
      const { error, report, info } = await share(api, ids(3))
      expect(error).toBeUndefined()
      expect(api.calls).toEqual(['describe', 'list', 'share', 'find'])
      expect(report.accountsWith('shared')).toEqual(ids(3))
      expect(info).toHaveBeenCalledWith(
        expect.stringContaining('No answer to the share call (timeout)')
      )
    })

    test('was not applied: the share is tried again', async () => {
      const api = new FakeLighthouse()
      api.shareFaults.push('lost')
      const { error, report } = await share(api, ids(3))
      expect(error).toBeUndefined()
      expect(api.calls).toEqual(['describe', 'list', 'share', 'find', 'share'])
      expect(report.accountsWith('shared')).toEqual(ids(3))
    })

    test('and could not be checked: its accounts are unknown, named, and the later batches not attempted', async () => {
      const api = new FakeLighthouse()
      api.shareFaults.push('lost-after-sharing')
      api.findFault = new ApiError(
        'DescribeBlueprintsShareAcrossAccountInfos',
        'AuthFailure.UnauthorizedOperation',
        'denied',
        'req-check'
      )
      const { error, results, report } = await share(api, ids(12))
      expect(error?.message).toMatch(
        /^Sharing lhbp-6jc6l8yb with 1, 2, 3, 4, 5, 6, 7, 8, 9, 10: the outcome is unknown\. .*AuthFailure\.UnauthorizedOperation.*RequestId: req-check.*Run the step again/
      )
      expect(Object.values(results)).toEqual([
        ...Array<string>(10).fill('unknown'),
        'not-attempted',
        'not-attempted'
      ])
      expect(report.accounts[0]).toMatchObject({
        change: 'share',
        reason: expect.stringContaining('no answer')
      })
    })

    test('on the last attempt is still checked: applied, it counts as shared', async () => {
      const api = new FakeLighthouse()
      api.shareFaults.push('lost', 'lost', 'lost', 'lost-after-sharing')
      const { error, results } = await share(api, ids(2))
      expect(error).toBeUndefined()
      expect(results).toEqual({ '1': 'shared', '2': 'shared' })
    })

    test('gives up after the retry budget and names the accounts', async () => {
      const api = new FakeLighthouse()
      api.shareFaults.push('lost', 'lost', 'lost', 'lost')
      const { error, results } = await share(api, ids(2))
      expect(error?.message).toBe(
        'Sharing lhbp-6jc6l8yb with 1, 2 failed: ShareBlueprintAcrossAccounts got no API answer: socket hang up'
      )
      expect(api.calls.filter((c) => c === 'share')).toHaveLength(4)
      expect(results).toEqual({ '1': 'failed', '2': 'failed' })
    })
  })

  test('an account shared by someone else since the read is counted as already shared', async () => {
    const api = new FakeLighthouse()
    const realList = api.listSharedAccounts.bind(api)
    api.listSharedAccounts = async () => {
      const before = await realList()
      api.shared.add('2') // shared between our read and our call
      return before
    }
    const { error, results } = await share(api, ids(3))
    expect(error).toBeUndefined()
    expect(results).toEqual({ '1': 'shared', '2': 'already-shared', '3': 'shared' })
    expect(api.calls).toEqual(['describe', 'list', 'share', 'find', 'share'])
  })

  test('an image that leaves NORMAL before the share is waited on again', async () => {
    const api = new FakeLighthouse()
    api.shareFaults.push('state-invalid')
    api.states = ['NORMAL', 'SYNCING', 'NORMAL']
    const { error, results } = await share(api, ids(1))
    expect(error).toBeUndefined()
    expect(results).toEqual({ '1': 'shared' })
    expect(api.calls).toEqual(['describe', 'list', 'share', 'describe', 'describe', 'share'])
  })

  describe('revoking', () => {
    test('shares first, then revokes, ten accounts a call', async () => {
      const api = new FakeLighthouse()
      for (const a of ids(12, 100)) api.shared.add(a)
      const { error, report } = await share(api, ['1'], { revokeAccountIds: ids(12, 100) })
      expect(error).toBeUndefined()
      expect(api.calls).toEqual(['describe', 'list', 'share', 'cancel', 'cancel'])
      expect(api.cancelCalls.map((c) => c.length)).toEqual([10, 2])
      expect(report.accountsWith('revoked')).toEqual(ids(12, 100))
      expect([...api.shared]).toEqual(['1'])
    })

    test('an account that lost the share since the read is not an error', async () => {
      const api = new FakeLighthouse()
      api.shared.add('5').add('6')
      const realList = api.listSharedAccounts.bind(api)
      api.listSharedAccounts = async () => {
        const before = await realList()
        api.shared.delete('6') // revoked between our read and our call
        return before
      }
      const { error, results } = await share(api, [], { revokeAccountIds: ['5', '6'] })
      expect(error).toBeUndefined()
      expect(results).toEqual({ '5': 'revoked', '6': 'not-shared' })
    })

    test('refusals say whether the account was being shared with or revoked from', async () => {
      const api = new FakeLighthouse()
      api.shared.add('7')
      api.refused.set('7', 'InvalidParameterValue.AccountIdsNotOwnerAccount')
      const revokeOnly = await share(api, [], { revokeAccountIds: ['7'] })
      expect(revokeOnly.report.refusalMessage()).toMatch(
        /^Could not revoke the share of lhbp-6jc6l8yb from 1 of 1 account\(s\):\n7: InvalidParameterValue/
      )
      api.refused.set('8', 'InvalidParameterValue.AccountIdsNotExist')
      const both = await share(api, ['8'], { revokeAccountIds: ['7'] })
      expect(both.report.refusalMessage()).toMatch(
        /^Could not share lhbp-6jc6l8yb with, or revoke it from, 2 of 2 account\(s\):\n8: .*\n7: /
      )
      expect(both.report.refusals.map((r) => r.change)).toEqual(['share', 'revoke'])
    })

    test('a per-account refusal is narrowed to the account, the others are revoked', async () => {
      const api = new FakeLighthouse()
      for (const a of ids(4, 100)) api.shared.add(a)
      api.refused.set('102', 'InvalidParameterValue.AccountIdsNotOwnerAccount')
      const { error, report } = await share(api, [], { revokeAccountIds: ids(4, 100) })
      expect(error).toBeUndefined()
      expect(report.accountsWith('failed')).toEqual(['102'])
      expect(report.accountsWith('revoked')).toEqual(['100', '101', '103'])
    })

    test('a dry run reads, plans and changes nothing', async () => {
      const api = new FakeLighthouse()
      api.shared.add('1').add('9')
      const { error, report, info } = await share(api, ['1', '2'], {
        revokeUnlisted: true,
        dryRun: true
      })
      expect(error).toBeUndefined()
      expect(api.calls).toEqual(['describe', 'list'])
      expect(report.accountsWith('shared')).toEqual(['2'])
      expect(report.accountsWith('revoked')).toEqual(['9'])
      expect(report.requestIds).toEqual([])
      expect(info).toHaveBeenCalledWith(
        'Dry run: the plan: share with 1, 1 already shared, revoke from 1, 0 already not shared'
      )
      expect(info).toHaveBeenCalledWith(expect.stringMatching(/^Account +Plan\n/))
    })
  })
})
