/** The bundled action managing who has the image: revoking, keeping the list in sync, dry runs. */
import { describe, expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  rootAccounts,
  shareInputs,
  emulatorForEachTest
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'
import { CANCEL, SHARE } from '../helpers/actions.js'

const emulator = emulatorForEachTest()

const WRITES = [SHARE, CANCEL]

describe('revoking', () => {
  test('takes the share from the listed accounts, leaving the others', async () => {
    const accounts = rootAccounts(4)
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: accounts })

    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': '',
        'revoke-account-ids': `${accounts[1]}\n${accounts[3]}`
      })
    )

    expect(result.exitCode).toBe(0)
    expect(emulator.actions).toEqual([
      'DescribeBlueprints',
      'DescribeBlueprintsShareAcrossAccountInfos',
      CANCEL
    ])
    expect(emulator.callsTo(CANCEL)[0].params).toEqual({
      BlueprintId: BLUEPRINT_ID,
      AccountIds: [accounts[1], accounts[3]]
    })
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([accounts[0], accounts[2]])
    expect(listOutput(result, 'revoked-account-ids')).toEqual([accounts[1], accounts[3]])
    expect(result.outputs['request-id']).toBe(emulator.callsTo(CANCEL)[0].requestId)
    expect(result.summary).toContain(
      `<tr><td><code>${accounts[1]}</code></td><td>🚫 share revoked</td>`
    )
  })

  test('accounts that do not have the share are not an error, and need no call', async () => {
    const [has, hasNot] = rootAccounts(2)
    emulator.addAccounts('root', [hasNot]).addBlueprint({ id: BLUEPRINT_ID, sharedWith: [has] })

    const result = await runAction(
      shareInputs(emulator, { 'account-ids': '', 'revoke-account-ids': `${has},${hasNot}` })
    )

    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(CANCEL).map((c) => c.params.AccountIds)).toEqual([[has]])
    expect(listOutput(result, 'revoked-account-ids')).toEqual([has])
    expect(result.summary).toContain(
      `<tr><td><code>${hasNot}</code></td><td>☑️ did not have it</td>`
    )
  })

  test('a revoke whose answer was lost is checked, not repeated', async () => {
    const accounts = rootAccounts(2)
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: accounts })
    emulator.inject(CANCEL, { kind: 'lose-answer' })

    const result = await runAction(
      shareInputs(emulator, { 'account-ids': '', 'revoke-account-ids': accounts.join(',') })
    )

    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(CANCEL)).toHaveLength(1)
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([])
    expect(listOutput(result, 'revoked-account-ids')).toEqual(accounts)
  })

  test('shares first, then revokes, in one step', async () => {
    const [keep, add, remove] = rootAccounts(3)
    emulator
      .addAccounts('root', [add])
      .addBlueprint({ id: BLUEPRINT_ID, sharedWith: [keep, remove] })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': `${keep},${add}`, 'revoke-account-ids': remove })
    )
    expect(result.exitCode).toBe(0)
    expect(emulator.actions.filter((a) => WRITES.includes(a))).toEqual([SHARE, CANCEL])
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([keep, add])
  })
})

describe('revoke-unlisted', () => {
  test('makes the share list exactly account-ids, with more than 100 existing shares', async () => {
    const existing = rootAccounts(130)
    const keep = [existing[0], existing[64], existing[129]]
    const newcomer = '300000000001'
    emulator
      .addAccounts('root', [newcomer])
      .addBlueprint({ id: BLUEPRINT_ID, sharedWith: existing })

    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': [...keep, newcomer].join(','),
        'revoke-unlisted': 'true'
      })
    )

    expect(result.exitCode).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([...keep, newcomer].sort())
    expect(
      emulator.callsTo('DescribeBlueprintsShareAcrossAccountInfos').map((c) => c.params.Offset)
    ).toEqual([0, 100])
    // 127 revokes, 10 a call: 13 calls.
    expect(emulator.callsTo(CANCEL)).toHaveLength(13)
    expect(listOutput(result, 'revoked-account-ids')).toHaveLength(127)
    expect(listOutput(result, 'shared-account-ids')).toEqual([newcomer])
  })
})

describe('dry run', () => {
  test('makes no write call and reports the plan the real run then carries out', async () => {
    const existing = rootAccounts(5)
    const newcomers = rootAccounts(2, 300000000001)
    emulator.addAccounts('root', newcomers).addBlueprint({ id: BLUEPRINT_ID, sharedWith: existing })
    const inputs = shareInputs(emulator, {
      'account-ids': [existing[0], existing[1], ...newcomers].join(','),
      'revoke-unlisted': 'true'
    })

    const dry = await runAction({ ...inputs, 'dry-run': 'true' })

    expect(dry.exitCode).toBe(0)
    expect(emulator.actions.filter((a) => WRITES.includes(a))).toEqual([])
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual(existing)
    expect(dry.outputs['request-id']).toBe('')
    expect(listOutput(dry, 'request-ids')).toEqual([])
    expect(listOutput(dry, 'shared-account-ids')).toEqual(newcomers)
    expect(listOutput(dry, 'revoked-account-ids')).toEqual(existing.slice(2))
    expect(dry.summary).toContain(`🔍 Dry run: share plan for Lighthouse blueprint ${BLUEPRINT_ID}`)
    expect(dry.summary).toContain(
      `<tr><td><code>${newcomers[0]}</code></td><td>🔜 would share</td>`
    )
    expect(dry.summary).toContain(
      `<tr><td><code>${existing[4]}</code></td><td>🔜 would revoke</td>`
    )
    expect(dry.stdout).toContain(
      'Dry run: the plan: share with 2, 2 already shared, revoke from 3, 0 already not shared'
    )
    expect(dry.stdout).toContain(`${existing[2]}  revoke`)

    const real = await runAction(inputs)

    expect(real.exitCode).toBe(0)
    for (const output of [
      'shared-account-ids',
      'revoked-account-ids',
      'already-shared-account-ids'
    ]) {
      expect(listOutput(real, output)).toEqual(listOutput(dry, output))
    }
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(
      [existing[0], existing[1], ...newcomers].sort()
    )
  })
})

test('a dry run that cannot read the image is still headed as a dry run', async () => {
  const result = await runAction(
    shareInputs(emulator, { 'account-ids': '200000000001', 'dry-run': 'true' })
  )
  expect(result.exitCode).toBe(1)
  expect(errorLine(result)).toContain(`Blueprint ${BLUEPRINT_ID} was not found`)
  expect(result.summary).toContain('🔍 Dry run: share plan for Lighthouse blueprint')
  expect(emulator.actions).toEqual(['DescribeBlueprints'])
})

describe('invalid combinations are refused before any API call', () => {
  test.each([
    [
      { 'account-ids': '' },
      'Input "account-ids" is required: give the accounts to share with, "revoke-account-ids"'
    ],
    [
      { 'account-ids': '', 'revoke-account-ids': '200000000001', 'revoke-unlisted': 'true' },
      'Input "revoke-unlisted" is true but "account-ids" (and "account-ids-file") give no accounts: that would take the share from every account.'
    ],
    [
      { 'account-ids': '200000000001, 200000000002', 'revoke-account-ids': '200000000002' },
      'Account 200000000002 is in both "account-ids" and "revoke-account-ids"'
    ],
    [
      { 'account-ids': '200000000001', 'revoke-unlisted': 'yes' },
      'Input "revoke-unlisted" must be true or false, not "yes".'
    ],
    [
      { 'account-ids': '200000000001', 'dry-run': 'on' },
      'Input "dry-run" must be true or false, not "on".'
    ],
    [
      { 'account-ids': '', 'revoke-account-ids': 'abc' },
      'Input "revoke-account-ids" has an invalid account ID: "abc"'
    ]
  ])('%j', async (override, message) => {
    emulator.addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(shareInputs(emulator, override))
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(message)
    expect(emulator.calls).toEqual([])
  })
})
