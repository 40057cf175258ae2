/** What a team adopting the action meets: strict inputs, images on their way out, large lists, public logs. */
import { describe, expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  REGION,
  rootAccounts,
  shareInputs,
  emulatorForEachTest
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'

const emulator = emulatorForEachTest()

describe('account IDs are checked fully before any call', () => {
  test.each([
    ['1234', 'too short'],
    ['0700000164995', 'a leading zero'],
    ['123456789012345678901', '21 digits']
  ])('%s (%s) is refused, naming the input and the value', async (id) => {
    const result = await runAction(shareInputs(emulator, { 'account-ids': `200000000001, ${id}` }))
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(`Input "account-ids" has an invalid account ID: "${id}"`)
    expect(emulator.calls).toEqual([])
  })
})

describe('an image on its way out', () => {
  test.each(['ISOLATING', 'DELETING', 'DESTROYING'])(
    'in state %s fails at once, naming the state, without waiting',
    async (state) => {
      emulator.addBlueprint({ id: BLUEPRINT_ID, state })
      const result = await runAction(
        shareInputs(emulator, { 'account-ids': '200000000001', 'wait-timeout-seconds': '600' })
      )
      expect(result.exitCode).toBe(1)
      expect(errorLine(result)).toContain(`is in state ${state}`)
      expect(emulator.actions).toEqual(['DescribeBlueprints'])
    }
  )
})

describe('inputs the chosen mode does not use', () => {
  test.each([
    [{ 'role-duration-seconds': 'abc' }, 'Input "role-duration-seconds" must be a whole number'],
    [{ 'sts-endpoint': 'http://sts.example.com' }, 'Input "sts-endpoint" is not a valid endpoint'],
    [{ 'role-session-name': 'a b' }, 'Input "role-session-name" is not a valid session name'],
    [
      { 'role-arn': '', 'role-duration-seconds': '99999' },
      'must be a whole number of seconds from 1 to 43200'
    ]
  ])('are still errors when invalid: %j', async (override, message) => {
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': '200000000001', ...override })
    )
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(message)
    expect(emulator.calls).toEqual([])
  })

  test('get a notice that they are ignored when valid', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': a,
        'role-session-name': 'nightly-images',
        'oidc-provider-id': 'github'
      })
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      '::notice::Ignoring "oidc-provider-id", "role-session-name": only used with "role-arn"'
    )
  })

  test('their declared defaults, which the runner always passes, get no notice', async () => {
    const [a] = rootAccounts(1)
    emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(shareInputs(emulator, { 'account-ids': a }))
    expect(result.exitCode).toBe(0)
    expect(result.stdout).not.toContain('::notice::')
  })
})

test('role-arn in the role-ID form is accepted', async () => {
  const arn = 'qcs::cam::uin/100000000001:role/4611686018427397919'
  const [a] = rootAccounts(1)
  emulator.addAccounts('root', [a]).addBlueprint({ id: BLUEPRINT_ID })
  emulator.identity.addProvider('github').addRole({ arn, providerId: 'github', subject: '*' })
  const result = await runAction(
    {
      'blueprint-id': BLUEPRINT_ID,
      region: REGION,
      endpoint: emulator.endpoint,
      'account-ids': a,
      'role-arn': arn,
      'oidc-provider-id': 'github'
    },
    emulator.idTokenVariables
  )
  expect(errorLine(result)).toBe('')
  expect(emulator.identity.issued.map((c) => c.roleArn)).toEqual([arn])
  expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
})

describe('many refused accounts', () => {
  const good = rootAccounts(100)
  const refused = Array.from({ length: 20 }, (_, i) => String(300000000001 + i))

  test('make a short annotation; every account is in a log group and the summary', async () => {
    emulator.addAccounts('root', good).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(
      shareInputs(emulator, { 'account-ids': [...good, ...refused].join('\n') })
    )

    expect(result.exitCode).toBe(1)
    const annotation = errorLine(result)
    expect(annotation.length).toBeLessThan(1500)
    expect(annotation).toContain(`Could not share ${BLUEPRINT_ID} with 20 of 120 account(s):`)
    expect(annotation).toContain('… and 15 more: see the job summary')
    const refusedGroup = result.stdout
      .split('::group::Refused accounts\n')[1]
      ?.split('::endgroup::')[0]
    expect(refusedGroup?.trim().split('\n')).toHaveLength(20)
    for (const account of refused)
      expect(result.summary).toContain(`<code>${account}</code></td><td>❌ failed`)
    expect(listOutput(result, 'failed-account-ids')).toEqual(refused)
    // Per-account lines are folded: few lines are left outside the groups.
    const outside = result.stdout.replace(/::group::[\s\S]*?::endgroup::/g, '').split('\n')
    expect(outside.filter(Boolean).length).toBeLessThan(15)
  }, 60_000)

  test('with on-account-error warn make a few warnings, not one per account', async () => {
    emulator.addAccounts('root', good).addBlueprint({ id: BLUEPRINT_ID })
    const result = await runAction(
      shareInputs(emulator, {
        'account-ids': [...good.slice(0, 10), ...refused].join(','),
        'on-account-error': 'warn'
      })
    )
    expect(result.exitCode).toBe(0)
    const warnings = result.stdout.split('\n').filter((l) => l.startsWith('::warning::'))
    expect(warnings).toHaveLength(6)
    expect(warnings[5]).toContain('… and 15 more')
  }, 60_000)
})

describe('mask-account-ids', () => {
  test('keeps full account IDs out of the log and the summary, and in the outputs', async () => {
    const [a, b] = rootAccounts(2)
    const sub = '400000000001'
    emulator.addAccounts('root', [a, b]).addAccounts('sub', [sub])
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: [b] })

    const result = await runAction(
      shareInputs(emulator, { 'account-ids': [a, b, sub].join(','), 'mask-account-ids': 'true' })
    )

    expect(result.exitCode).toBe(1)
    for (const id of [a, b, sub]) {
      expect(result.stdout).not.toContain(id)
      expect(result.summary).not.toContain(id)
    }
    expect(result.summary).toContain('<code>2000****0001</code>')
    expect(errorLine(result)).toContain(
      '4000****0001: InvalidParameterValue.AccountIdsNotOwnerAccount'
    )
    expect(listOutput(result, 'shared-account-ids')).toEqual([a])
    expect(listOutput(result, 'already-shared-account-ids')).toEqual([b])
    expect(listOutput(result, 'failed-account-ids')).toEqual([sub])
  })
})
