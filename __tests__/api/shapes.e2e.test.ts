/**
 * Answers of a shape Tencent's spec does not give: read as no answer (retried;
 * after a change call, settled like a lost answer), never a crash and never
 * a false "not found". The bundled action against the emulator.
 */
import { describe, expect, test } from '@jest/globals'
import { BLUEPRINT_ID, emulatorWithImage, rootAccounts, shareInputs } from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'
import { SHARE } from '../helpers/actions.js'

const accounts = rootAccounts(2)
const emulator = emulatorWithImage(accounts, { name: 'golden' })
const share = (overrides: Record<string, string> = {}) =>
  runAction(shareInputs(emulator, { 'account-ids': accounts.join(','), ...overrides }))

describe('an answer the action cannot read', () => {
  test('an error Code that is not a string is no answer: retried, and the run goes on', async () => {
    emulator.inject('DescribeBlueprints', {
      kind: 'non-json',
      body: JSON.stringify({ Response: { Error: { Code: 42, Message: 'x' }, RequestId: 'r-1' } })
    })

    const result = await share()

    expect(result.stderr).not.toContain('is not a function')
    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo('DescribeBlueprints')).toHaveLength(2)
    expect(result.stdout).toContain('an error answer whose Code or RequestId is not a string')
  })

  test('a Response that is a list is no answer, not "image not found"', async () => {
    emulator.inject('DescribeBlueprints', { kind: 'mangle', mangle: (response) => [response] })

    const result = await share()

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts)
  })

  test('a share that was made but answered with a numeric RequestId is settled, and reported shared', async () => {
    emulator.inject(SHARE, {
      kind: 'mangle',
      mangle: (response) => ({ ...response, RequestId: 7 })
    })

    const result = await share()

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    // The read after the unreadable answer showed the share in place: no second share call.
    expect(emulator.callsTo(SHARE)).toHaveLength(1)
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts)
    expect(listOutput(result, 'failed-account-ids')).toEqual([])
  })

  test('an account ID that is not an ID is no answer: retried, and never reaches a call or an output', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, name: 'golden', sharedWith: [accounts[0]] })
    emulator.inject('DescribeBlueprintsShareAcrossAccountInfos', {
      kind: 'mangle',
      mangle: (response) => ({
        ...response,
        BlueprintShareAcrossAccountInfoSet: [
          { BlueprintId: BLUEPRINT_ID, AccountId: '20000\n::warning::x', CreatedTime: null }
        ]
      })
    })

    const result = await share({ 'revoke-unlisted': 'true', 'account-ids': accounts[1] })

    expect(errorLine(result)).toBe('')
    expect(result.stdout).toContain(
      'an answer that cannot be read: a share without a valid BlueprintId and AccountId'
    )
    expect(
      emulator.callsTo('CancelShareBlueprintAcrossAccounts').map((c) => c.params.AccountIds)
    ).toEqual([[accounts[0]]])
    expect(listOutput(result, 'revoked-account-ids')).toEqual([accounts[0]])
    expect(result.stdout).not.toMatch(/^::warning::x/m)
  })

  test('a copy ID that is not an image ID from SyncBlueprint is never shared or written to an output', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, name: 'golden', region: 'ap-singapore' })
    emulator.inject('SyncBlueprint', {
      kind: 'mangle',
      mangle: (response) => ({
        ...response,
        DestinationRegionBlueprintSet: [{ Region: 'ap-tokyo', BlueprintId: 'lhbp-x"; rm -rf /' }]
      })
    })

    const result = await share({ region: 'ap-singapore', 'copy-to-regions': 'ap-tokyo' })

    const ids = JSON.parse(result.outputs['blueprint-ids'] ?? '{}') as Record<string, string>
    expect(Object.values(ids).every((id) => /^lhbp-[a-z0-9]{8}$/.test(id))).toBe(true)
    expect(result.outputs['regions']).not.toContain('rm -rf')
    // Settled like a lost answer: the copy it made is found, marked and shared.
    const [copy] = emulator.blueprintsIn('ap-tokyo')
    expect(emulator.blueprintsIn('ap-tokyo')).toHaveLength(1)
    expect(ids['ap-tokyo']).toBe(copy.id)
    expect(emulator.sharesOf(copy.id).sort()).toEqual(accounts)
    expect(result.exitCode).toBe(0)
  }, 30_000)

  test('an image whose CreatedTime is null (the spec allows it) is still read and shared', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, name: 'golden', createdTime: null })

    const result = await share()

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
  })
})
