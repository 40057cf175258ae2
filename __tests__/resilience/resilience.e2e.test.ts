/** The bundled action against an emulator that is slow, busy, flaky or refuses some accounts. */
import { describe, expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  OWNER_UIN,
  SECRET_KEY,
  rootAccounts,
  shareInputs,
  emulatorForEachTest
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'
import { SHARE, DESCRIBE, SHARE_INFO } from '../helpers/actions.js'

const emulator = emulatorForEachTest()

describe('waiting for the image', () => {
  test('an image that becomes NORMAL after a few seconds is waited for, then shared', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID, state: 'SYNCING' })
    // Three seconds after the first read, however long the step took to start.
    emulator.before(DESCRIBE, () => emulator.setBlueprintState(BLUEPRINT_ID, 'NORMAL', 3000))

    const result = await runAction(
      shareInputs(emulator, { 'account-ids': a, 'wait-timeout-seconds': '60' })
    )

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      `Blueprint ${BLUEPRINT_ID} is SYNCING; waiting for NORMAL (0 s so far, up to 60 s).`
    )
    expect(result.stdout).toMatch(new RegExp(`Blueprint ${BLUEPRINT_ID} is NORMAL after \\d+ s\\.`))
    // Reads at 0, 2 and 5 s: noticed within two seconds of the change, without hammering the API.
    const reads = emulator.callsTo(DESCRIBE).map((call) => call.at)
    expect(reads).toHaveLength(3)
    expect(reads[2] - reads[0]).toBeLessThan(6000)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
  })

  test('an image that never becomes NORMAL fails at the timeout with its last state', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, state: 'SYNCING' })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': '200000000001', 'wait-timeout-seconds': '3' })
    )
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(
      `Blueprint ${BLUEPRINT_ID} did not become NORMAL: still SYNCING after waiting 3 s.`
    )
    expect(emulator.actions.every((a) => a === DESCRIBE)).toBe(true)
    expect(result.outputs['blueprint-state']).toBe('SYNCING')
  })

  test('an image in a failed state fails at once, without waiting', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, state: 'SYNCING_FAILED' })
    const result = await runAction(shareInputs(emulator, { 'account-ids': '200000000001' }))
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(`Blueprint ${BLUEPRINT_ID} is in state SYNCING_FAILED`)
    expect(emulator.actions).toEqual([DESCRIBE])
  })

  test.each(['-1', '1.5', 'soon'])(
    'wait-timeout-seconds %j is refused before any call',
    async (value) => {
      const result = await runAction(
        shareInputs(emulator, { 'account-ids': '200000000001', 'wait-timeout-seconds': value })
      )
      expect(errorLine(result)).toContain(
        `Input "wait-timeout-seconds" must be a whole number of seconds (0 or more), not "${value}".`
      )
      expect(emulator.calls).toEqual([])
    }
  )
})

describe('retrying what is transient', () => {
  test.each([
    'RequestLimitExceeded',
    'InternalError',
    'ServiceUnavailable',
    'FailedOperation.ShareBlueprintAcrossAccountFailed',
    'OperationDenied.BlueprintOperationInProgress',
    'UnsupportedOperation.BlueprintLatestOperationUnfinished',
    'ResourceInUse.BlueprintModifyingSharePermission'
  ])('%s on the share call is retried and the share succeeds', async (code) => {
    const accounts = rootAccounts(2)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(SHARE, { kind: 'error', code })

    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join(',') }))

    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(SHARE).map((c) => c.outcome)).toEqual([code, undefined])
    expect(result.stdout).toContain(
      `${SHARE}: ${code}, RequestId ${emulator.callsTo(SHARE)[0].requestId}; retrying in`
    )
    expect(result.outputs['request-id']).toBe(emulator.callsTo(SHARE)[1].requestId)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(accounts)
  })

  test.each([
    [DESCRIBE, { kind: 'http', status: 502 }],
    [DESCRIBE, { kind: 'drop' }],
    [SHARE_INFO, { kind: 'non-json' }],
    [SHARE_INFO, { kind: 'http', status: 503 }]
  ] as const)('a read of %s that gets %j is retried', async (action, fault) => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(action, fault)
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }))
    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(action)).toHaveLength(2)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
  })

  test('a permanent error is not retried', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, shareQuota: 0 }).addAccounts('root', ['200000000001'])
    const result = await runAction(shareInputs(emulator, { 'account-ids': '200000000001' }))
    expect(result.exitCode).toBe(1)
    expect(emulator.callsTo(SHARE)).toHaveLength(1)
    expect(errorLine(result)).toContain(
      'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded'
    )
    expect(errorLine(result)).toContain('revoke shares that are no longer needed')
  })

  test('a share that was made but whose answer was lost is found by reading, not repeated', async () => {
    const accounts = rootAccounts(3)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(SHARE, { kind: 'lose-answer' })

    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join(',') }))

    expect(result.exitCode).toBe(0)
    expect(emulator.actions).toEqual([DESCRIBE, SHARE_INFO, SHARE, SHARE_INFO])
    expect(emulator.calls[3].params.Filters).toEqual([{ Name: 'account-id', Values: accounts }])
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(accounts)
  })

  test('a share call dropped before it was made is made again', async () => {
    const accounts = rootAccounts(2)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(SHARE, { kind: 'drop' })
    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join(',') }))
    expect(result.exitCode).toBe(0)
    expect(emulator.actions).toEqual([DESCRIBE, SHARE_INFO, SHARE, SHARE_INFO, SHARE])
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(accounts)
  })

  test('250 accounts never trip the API limit of 20 requests a second by themselves', async () => {
    const accounts = rootAccounts(250)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
    expect(emulator.requestsPerSecond).toBe(20)

    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join(',') }))

    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(SHARE)).toHaveLength(25)
    expect(emulator.calls.filter((c) => c.outcome !== undefined)).toEqual([])
    expect(emulator.sharesOf(BLUEPRINT_ID)).toHaveLength(250)
  })

  test('105 accounts against a limit of 3 requests a second all get the share', async () => {
    const accounts = rootAccounts(105)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
    emulator.requestsPerSecond = 3

    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join('\n') }))

    expect(result.exitCode).toBe(0)
    const shareCalls = emulator.callsTo(SHARE)
    const accepted = shareCalls.filter((c) => c.outcome === undefined)
    expect(accepted).toHaveLength(11)
    expect(shareCalls.some((c) => c.outcome === 'RequestLimitExceeded')).toBe(true)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts)
    // Attempts that were retried are in the debug log; the output has each call's final answer.
    expect(listOutput(result, 'request-ids')).toEqual(accepted.map((c) => c.requestId))
  }, 60_000)
})

describe('naming each bad account', () => {
  const good = rootAccounts(9)
  const notExist = '300000000001'
  const sub = '400000000001'
  const otherSite = '500000000001'

  function setUpMixed(): string[] {
    emulator
      .addAccounts('root', good)
      .addAccounts('sub', [sub])
      .addAccounts('other-site', [otherSite])
      .addBlueprint({ id: BLUEPRINT_ID })
    return [good[0], notExist, ...good.slice(1, 5), sub, ...good.slice(5), otherSite, OWNER_UIN]
  }

  test('three bad accounts of different kinds among good ones: every good one is shared, each bad one named', async () => {
    const requested = setUpMixed()

    const result = await runAction(shareInputs(emulator, { 'account-ids': requested.join(',') }))

    expect(result.exitCode).toBe(1)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(good)
    expect(listOutput(result, 'failed-account-ids')).toEqual([notExist, sub, otherSite, OWNER_UIN])
    expect(listOutput(result, 'shared-account-ids')).toEqual(good)
    const message = errorLine(result).replace('::error::', '').split('%0A')
    expect(message[0]).toBe(`Could not share ${BLUEPRINT_ID} with 4 of 13 account(s):`)
    expect(message.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${notExist}: InvalidParameterValue.AccountIdsNotExist: No such account.*\\(RequestId [0-9a-f-]{36}\\)$`
        )
      ),
      expect.stringMatching(
        new RegExp(`^${sub}: InvalidParameterValue.AccountIdsNotOwnerAccount: .*root account`)
      ),
      expect.stringMatching(
        new RegExp(
          `^${otherSite}: InvalidParameterValue.AccountIdInvalidAccountArea: .*China vs international`
        )
      ),
      expect.stringMatching(
        new RegExp(`^${OWNER_UIN}: InvalidParameterValue.AccountIdSameWithUin: .*owns the image`)
      )
    ])
    for (const account of [notExist, sub, otherSite, OWNER_UIN]) {
      expect(result.summary).toContain(`<tr><td><code>${account}</code></td><td>❌ failed</td>`)
    }
  })

  test('one bad account, on-account-error warn: the step succeeds with a warning for it', async () => {
    const [a, b] = good
    emulator
      .addAccounts('root', [a, b])
      .addAccounts('sub', [sub])
      .addBlueprint({ id: BLUEPRINT_ID })

    const result = await runAction(
      shareInputs(emulator, { 'account-ids': [a, sub, b].join(','), 'on-account-error': 'warn' })
    )

    expect(result.exitCode).toBe(0)
    const warnings = result.stdout.split('\n').filter((l) => l.startsWith('::warning::'))
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::warning::Not shared with account ${sub}: InvalidParameterValue.AccountIdsNotOwnerAccount`
        )
      )
    ])
    expect(listOutput(result, 'failed-account-ids')).toEqual([sub])
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([a, b])
  })

  test('two bad accounts, on-account-error warn: two warnings', async () => {
    const requested = [good[0], notExist, good[1], sub]
    emulator.addAccounts('root', good).addAccounts('sub', [sub]).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': requested.join(' '), 'on-account-error': 'warn' })
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout.split('\n').filter((l) => l.startsWith('::warning::'))).toHaveLength(2)
    expect(listOutput(result, 'failed-account-ids')).toEqual([notExist, sub])
  })

  test('on-account-error accepts only fail or warn', async () => {
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': '200000000001', 'on-account-error': 'ignore' })
    )
    expect(errorLine(result)).toContain(
      'Input "on-account-error" must be fail or warn, not "ignore".'
    )
    expect(emulator.calls).toEqual([])
  })
})

test('with step debug on and retries happening, no secret or token appears anywhere', async () => {
  const token = 'tEmPoRaRyToKeN-for-the-debug-scan-42'
  const accounts = rootAccounts(12)
  emulator
    .addAccounts('root', accounts)
    .addAccounts('sub', ['400000000001'])
    .addBlueprint({ id: BLUEPRINT_ID })
  emulator.addCredential({
    secretId: 'AKIDtemporaryIdForDebugScan0001',
    secretKey: SECRET_KEY,
    token
  })
  emulator.inject(DESCRIBE, { kind: 'http', status: 502 })
  emulator.inject(SHARE, { kind: 'error', code: 'InternalError' })
  emulator.inject(SHARE, { kind: 'lose-answer' }, { nth: 3 })

  const result = await runAction(
    shareInputs(emulator, {
      'account-ids': [...accounts, '400000000001'].join(','),
      'secret-id': 'AKIDtemporaryIdForDebugScan0001',
      'session-token': token
    }),
    { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }
  )

  expect(result.stdout).toContain('::debug::DescribeBlueprints attempt 2: ok')
  const everything = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const secret of [SECRET_KEY, token, 'AKIDtemporaryIdForDebugScan0001']) {
    expect(everything).not.toContain(secret)
  }
  expect(everything).not.toMatch(/TC3-HMAC-SHA256|Authorization|Signature=/i)
})
