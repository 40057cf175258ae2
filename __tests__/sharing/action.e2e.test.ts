/** The bundled action, started as a runner starts it, against the emulator. */
import { describe, expect, test } from '@jest/globals'
import { readFile } from 'node:fs/promises'
import {
  BLUEPRINT_ID,
  REGION,
  OWNER_UIN,
  SECRET_ID,
  SECRET_KEY,
  rootAccounts,
  shareInputs,
  emulatorForEachTest
} from '../helpers/fixtures.js'
import { ACTION_ENTRY, errorLine, listOutput, runAction } from '../helpers/run-action.js'
import { readableSummary } from '../helpers/readable-summary.js'
import { SHARE } from '../helpers/actions.js'

const emulator = emulatorForEachTest()

describe('sharing', () => {
  test('shares with new accounts in three calls, skips those that have it, and reports both', async () => {
    const accounts = rootAccounts(4)
    emulator
      .addAccounts('root', accounts)
      .addBlueprint({ id: BLUEPRINT_ID, sharedWith: [accounts[1]] })

    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join('\n') }))

    expect(result.exitCode).toBe(0)
    expect(emulator.actions).toEqual([
      'DescribeBlueprints',
      'DescribeBlueprintsShareAcrossAccountInfos',
      SHARE
    ])
    const shareCall = emulator.callsTo(SHARE)[0]
    expect(shareCall.params).toEqual({
      BlueprintId: BLUEPRINT_ID,
      AccountIds: [accounts[0], accounts[2], accounts[3]]
    })
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([...accounts].sort())
    expect(result.outputs).toEqual({
      'request-id': shareCall.requestId,
      'request-ids': JSON.stringify([shareCall.requestId]),
      'shared-account-ids': JSON.stringify([accounts[0], accounts[2], accounts[3]]),
      'already-shared-account-ids': JSON.stringify([accounts[1]]),
      'revoked-account-ids': '[]',
      'failed-account-ids': '[]',
      'organization-account-ids': '[]',
      'blueprint-state': 'NORMAL',
      'blueprint-id': BLUEPRINT_ID,
      'retired-blueprint-ids': '{}',
      'deleted-blueprint-ids': '{}',
      'older-versions': '{}',
      changed: 'true',
      'blueprint-ids': JSON.stringify({ [REGION]: BLUEPRINT_ID }),
      regions: JSON.stringify({
        [REGION]: {
          'blueprint-id': BLUEPRINT_ID,
          copy: 'source',
          'shared-account-ids': [accounts[0], accounts[2], accounts[3]],
          'already-shared-account-ids': [accounts[1]],
          'revoked-account-ids': [],
          'failed-account-ids': []
        }
      })
    })
    expect(result.summary).toContain(`Share Lighthouse blueprint ${BLUEPRINT_ID}`)
    expect(result.summary).toContain('<code>ap-guangzhou</code>')
    expect(result.summary).toContain(
      '<a href="https://github.com/octo-org/golden-images/actions/runs/4242">octo-org/golden-images #4242</a>'
    )
    expect(result.summary).toContain(
      `<tr><td><code>${accounts[0]}</code></td><td>✅ shared</td><td><code>${shareCall.requestId}</code></td>`
    )
    expect(result.summary).toContain(
      `<tr><td><code>${accounts[1]}</code></td><td>☑️ already had it</td>`
    )
    expect(result.summary).toContain(`API key ${SECRET_ID.slice(0, 6)}…`)
  })

  test('a re-run changes nothing, makes no share call and succeeds', async () => {
    const accounts = rootAccounts(3)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
    const inputs = shareInputs(emulator, { 'account-ids': accounts.join(',') })
    expect((await runAction(inputs)).exitCode).toBe(0)
    const callsBefore = emulator.calls.length

    const rerun = await runAction(inputs)

    expect(rerun.exitCode).toBe(0)
    expect(emulator.calls.slice(callsBefore).map((c) => c.action)).toEqual([
      'DescribeBlueprints',
      'DescribeBlueprintsShareAcrossAccountInfos'
    ])
    expect(rerun.outputs['request-id']).toBe('')
    expect(listOutput(rerun, 'request-ids')).toEqual([])
    expect(listOutput(rerun, 'shared-account-ids')).toEqual([])
    expect(listOutput(rerun, 'already-shared-account-ids')).toEqual(accounts)
    expect(rerun.stdout).toContain('Nothing to change: every account already is as asked.')
  })

  test('shares with 25 accounts in calls of 10, 10 and 5, and outputs every RequestId', async () => {
    const accounts = rootAccounts(25)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })

    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join(' ') }))

    expect(result.exitCode).toBe(0)
    const shareCalls = emulator.callsTo(SHARE)
    expect(shareCalls.map((c) => (c.params.AccountIds as string[]).length)).toEqual([10, 10, 5])
    expect(emulator.calls).toHaveLength(5)
    expect(listOutput(result, 'request-ids')).toEqual(shareCalls.map((c) => c.requestId))
    expect(result.outputs['request-id']).toBe(shareCalls[2].requestId)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts)
  })

  test('pages through more than 100 existing shares', async () => {
    const existing = rootAccounts(150)
    const requested = [existing[0], existing[149], ...rootAccounts(2, 300000000001)]
    emulator.addAccounts('root', requested).addBlueprint({ id: BLUEPRINT_ID, sharedWith: existing })

    const result = await runAction(shareInputs(emulator, { 'account-ids': requested.join(',') }))

    expect(result.exitCode).toBe(0)
    expect(
      emulator.callsTo('DescribeBlueprintsShareAcrossAccountInfos').map((c) => c.params.Offset)
    ).toEqual([0, 100])
    expect(listOutput(result, 'already-shared-account-ids')).toEqual([existing[0], existing[149]])
    expect(listOutput(result, 'shared-account-ids')).toEqual(requested.slice(2))
  })

  test('ignores duplicate account IDs', async () => {
    const [a, b] = rootAccounts(2)
    emulator.addAccounts('root', [a, b]).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(shareInputs(emulator, { 'account-ids': `${a}, ${b}\n${a}` }))
    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(SHARE)[0].params.AccountIds).toEqual([a, b])
  })

  test('takes credentials and region from the environment', async () => {
    const [a] = rootAccounts(1)
    // Each region has its own images: this one is in the region the environment names.
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID, region: 'ap-singapore' })
    const inputs = shareInputs(emulator, {
      'account-ids': a,
      'secret-id': '',
      'secret-key': '',
      region: ''
    })
    const result = await runAction(inputs, {
      TENCENTCLOUD_SECRET_ID: SECRET_ID,
      TENCENTCLOUD_SECRET_KEY: SECRET_KEY,
      TENCENTCLOUD_REGION: 'ap-singapore'
    })
    expect(result.exitCode).toBe(0)
    expect(emulator.calls.map((c) => c.region)).toEqual([
      'ap-singapore',
      'ap-singapore',
      'ap-singapore'
    ])
  })

  test('sends temporary credentials with their session token', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    emulator.addCredential({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      token: 'session-token-value-123'
    })
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }), {
      TENCENTCLOUD_SECURITY_TOKEN: 'session-token-value-123'
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('::add-mask::session-token-value-123')
    expect(result.summary).toContain('temporary API key')
  })

  test('asks for messages in the language given', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    await runAction(shareInputs(emulator, { 'account-ids': a, language: 'zh-CN' }))
    expect(emulator.calls.map((c) => c.language)).toEqual(['zh-CN', 'zh-CN', 'zh-CN'])
  })
})

describe('the image', () => {
  test.each([
    [
      { state: 'SYNCING' },
      'is in state SYNCING: it must be NORMAL to be shared (not waiting',
      'SYNCING'
    ],
    [
      { state: 'CREATEFAILED' },
      'is in state CREATEFAILED, which it does not leave by itself',
      'CREATEFAILED'
    ],
    [{ type: 'PUBLIC' }, 'is a PUBLIC image: only custom (PRIVATE) images can be shared', 'NORMAL']
  ])('%j is refused before any share call', async (blueprint, message, state) => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID, ...blueprint })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': a, 'wait-timeout-seconds': '0' })
    )
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(`Blueprint ${BLUEPRINT_ID} ${message}`)
    expect(emulator.actions).toEqual(['DescribeBlueprints'])
    expect(result.outputs['blueprint-state']).toBe(state)
  })

  test('an image the region does not have is named with the region', async () => {
    const result = await runAction(shareInputs(emulator, { 'account-ids': '200000000001' }))
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(
      `Blueprint ${BLUEPRINT_ID} was not found in region ap-guangzhou`
    )
    expect(emulator.actions).toEqual(['DescribeBlueprints'])
  })
})

describe('API errors', () => {
  test('a sub-user ID among root accounts: the others get the share, the step fails naming it', async () => {
    const [root] = rootAccounts(1)
    const sub = '400000000001'
    emulator
      .addAccounts('root', [root])
      .addAccounts('sub', [sub])
      .addBlueprint({ id: BLUEPRINT_ID })

    const result = await runAction(shareInputs(emulator, { 'account-ids': `${root},${sub}` }))

    expect(result.exitCode).toBe(1)
    expect(emulator.callsTo(SHARE).map((c) => c.params.AccountIds)).toEqual([
      [root, sub],
      [root],
      [sub]
    ])
    const refusal = emulator.callsTo(SHARE)[2].requestId
    expect(errorLine(result)).toBe(
      `::error::Could not share ${BLUEPRINT_ID} with 1 of 2 account(s):%0A${sub}: ` +
        "InvalidParameterValue.AccountIdsNotOwnerAccount: This is a sub-user's ID; give the root account's ID " +
        `(Account Center > Account Information). (RequestId ${refusal})`
    )
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([root])
    expect(listOutput(result, 'shared-account-ids')).toEqual([root])
    expect(listOutput(result, 'failed-account-ids')).toEqual([sub])
    expect(listOutput(result, 'request-ids')).toEqual(
      emulator.callsTo(SHARE).map((c) => c.requestId)
    )
    expect(result.summary).toContain('❌ Share Lighthouse blueprint')
    expect(result.summary).toContain(
      `<tr><td><code>${sub}</code></td><td>❌ failed</td><td><code>${refusal}</code></td>` +
        "<td>InvalidParameterValue.AccountIdsNotOwnerAccount: This is a sub-user's ID"
    )
  })

  test('the other site: the hint says China vs international', async () => {
    emulator.addAccounts('other-site', ['500000000001']).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(shareInputs(emulator, { 'account-ids': '500000000001' }))
    expect(errorLine(result)).toContain('InvalidParameterValue.AccountIdInvalidAccountArea')
    expect(errorLine(result)).toContain('the other site (China vs international)')
  })

  test('sharing with the owner itself names that mistake', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(shareInputs(emulator, { 'account-ids': OWNER_UIN }))
    expect(errorLine(result)).toContain('InvalidParameterValue.AccountIdSameWithUin')
    expect(errorLine(result)).toContain('the account that owns the image')
  })

  test('a failure in a later call still reports the accounts shared before it', async () => {
    const accounts = rootAccounts(15)
    emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
    emulator.inject(
      SHARE,
      { kind: 'error', code: 'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded' },
      { nth: 2 }
    )

    const result = await runAction(shareInputs(emulator, { 'account-ids': accounts.join(',') }))

    expect(result.exitCode).toBe(1)
    const [first, second] = emulator.callsTo(SHARE)
    expect(emulator.callsTo(SHARE)).toHaveLength(2)
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts.slice(0, 10))
    expect(listOutput(result, 'failed-account-ids')).toEqual(accounts.slice(10))
    expect(listOutput(result, 'request-ids')).toEqual([first.requestId, second.requestId])
    expect(errorLine(result)).toContain(
      `Sharing ${BLUEPRINT_ID} with ${accounts.slice(10).join(', ')} failed`
    )
    expect(errorLine(result)).toContain(
      `LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded: Injected`
    )
    expect(errorLine(result)).toContain(`(RequestId: ${second.requestId})`)
    expect(result.summary).toContain(`<tr><td><code>${accounts[0]}</code></td><td>✅ shared</td>`)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(accounts.slice(0, 10))
  })

  test('a wrong secret key fails on the first call with a hint, and never prints the key', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': '200000000001',
        'secret-key': 'wrong-secret-key-value'
      })
    )
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('AuthFailure.SignatureFailure')
    expect(errorLine(result)).toContain('check "secret-key"')
    expect(emulator.actions).toEqual(['DescribeBlueprints'])
    expect(result.stdout.replace('::add-mask::wrong-secret-key-value', '')).not.toContain(
      'wrong-secret-key-value'
    )
  })

  test('missing permission names the CAM actions to allow', async () => {
    emulator.addCredential({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      allowedActions: ['DescribeBlueprints']
    })
    emulator.addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(shareInputs(emulator, { 'account-ids': '200000000001' }))
    expect(errorLine(result)).toContain('UnauthorizedOperation.NoPermission')
    expect(errorLine(result)).toContain('lighthouse:DescribeBlueprintsShareAcrossAccountInfos')
  })
})

describe('bad inputs are refused before any API call', () => {
  test.each([
    [
      { 'blueprint-id': 'lhbp-XYZ' },
      'Input "blueprint-id" is not a Lighthouse blueprint ID: "lhbp-XYZ"'
    ],
    [
      { 'account-ids': '200000000001, 1e9' },
      'Input "account-ids" has an invalid account ID: "1e9"'
    ],
    [{ 'account-ids': ',' }, 'Input "account-ids" has no account IDs in it'],
    [{ 'account-ids': '' }, 'Input "account-ids" is required: give the accounts to share with'],
    [{ region: '' }, 'No region: set the "region" input'],
    [{ language: 'de-DE' }, 'Input "language" must be en-US or zh-CN, not "de-DE"'],
    [{ endpoint: 'http://lighthouse.tencentcloudapi.com' }, 'Use https'],
    [{ 'secret-key': '' }, 'Missing credentials: "secret-key" (or TENCENTCLOUD_SECRET_KEY)']
  ])('%j', async (override, message) => {
    emulator.addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': '200000000001', ...override })
    )
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(message)
    expect(emulator.calls).toEqual([])
    expect(result.outputs).toEqual({})
  })
})

test('no secret reaches the log, the outputs or the summary, with step debug on', async () => {
  const token = 'tEmPoRaRyToKeNvAlUe-987654321'
  const accounts = rootAccounts(2)
  emulator.addAccounts('root', accounts).addBlueprint({ id: BLUEPRINT_ID })
  emulator.addCredential({ secretId: SECRET_ID, secretKey: SECRET_KEY, token })
  emulator.inject(SHARE, { kind: 'error', code: 'FailedOperation' })

  const result = await runAction(
    shareInputs(emulator, { 'account-ids': accounts.join(','), 'session-token': token }),
    {
      RUNNER_DEBUG: '1',
      ACTIONS_STEP_DEBUG: 'true'
    }
  )

  expect(result.stdout).toContain('::debug::DescribeBlueprints attempt 1: ok')
  // The only place a secret may appear is the mask command that hides it.
  const unmasked = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  expect(unmasked).not.toContain(SECRET_KEY)
  expect(unmasked).not.toContain(token)
  expect(unmasked).not.toContain(SECRET_ID)
  // Every secret is masked before the first line of anything else.
  const firstLines = result.stdout.split('\n').slice(0, 3)
  expect(firstLines).toEqual([
    `::add-mask::${SECRET_ID}`,
    `::add-mask::${SECRET_KEY}`,
    `::add-mask::${token}`
  ])
})

test('the bundle has every module it imports', async () => {
  const bundle = await readFile(ACTION_ENTRY, 'utf8')
  expect(bundle).not.toContain('webpackMissingModule')
  // The same stub once minified: its name is gone, its message is not.
  expect(bundle).not.toContain('Cannot find module')
})

test('the job summary reads as text for npm run demo: headings, one row a line, no tags or entities', async () => {
  emulator.addAccounts('root', rootAccounts(1)).addBlueprint({ id: BLUEPRINT_ID, name: 'a<b>&"c"' })
  const result = await runAction(shareInputs(emulator, { 'account-ids': rootAccounts(1)[0] }))

  const text = readableSummary(result.summary)

  expect(text).toContain(`## ✅ Share Lighthouse blueprint ${BLUEPRINT_ID}`)
  expect(text).toContain(`${rootAccounts(1)[0]}  |  ✅ shared  |`)
  expect(text).not.toMatch(/<\/?(table|tr|td|th|code|h\d)>|&#?\w+;/)
})
