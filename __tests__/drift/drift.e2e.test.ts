/**
 * Drift: the `changed` output, and fail-on-drift, which turns a scheduled dry
 * run into an audit that fails when what exists is not what the workflow
 * says. The bundled action against the emulator.
 */
import { describe, expect, test } from '@jest/globals'
import { OrganizationEmulator } from '../emulator/organization.js'
import { CANCEL, SHARE } from '../helpers/actions.js'
import {
  BLUEPRINT_ID,
  OWNER_UIN,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, runAction } from '../helpers/run-action.js'
import { weeklyBuilds } from '../helpers/builds.js'

const [a, b, c] = rootAccounts(3)
/** Three weekly builds, w1 the oldest, each shared with a and b as last week's run left them. */
const [w1, w2, w3] = weeklyBuilds(3).map((build) => ({ ...build, sharedWith: [a, b] }))

const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [a, b, c])
})

const step = (overrides: Record<string, string>) =>
  runAction(shareInputs(emulator, { 'account-ids': `${a},${b}`, ...overrides }))
const changeCalls = () =>
  emulator.calls.filter((call) => [SHARE, CANCEL, 'DeleteBlueprints'].includes(call.action))

describe('the changed output', () => {
  test('is true after a share, false on a re-run with nothing to do', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID })

    const first = await step({})
    const again = await step({})

    expect(errorLine(first)).toBe('')
    expect(first.outputs.changed).toBe('true')
    expect(errorLine(again)).toBe('')
    expect(again.outputs.changed).toBe('false')
  })

  test('is true in a dry run that would share, which changes nothing', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: [a] })

    const result = await step({ 'dry-run': 'true' })

    expect(errorLine(result)).toBe('')
    expect(result.outputs.changed).toBe('true')
    expect(emulator.sharesOf(BLUEPRINT_ID)).toEqual([a])
    expect(changeCalls()).toEqual([])
  })
})

describe('fail-on-drift', () => {
  /** The nightly audit of a family: every version kept, every unlisted account offboarded. */
  const audit = () =>
    step({
      'blueprint-id': w3.id,
      family: 'golden-ubuntu-*',
      'keep-shared': '3',
      'revoke-unlisted': 'true',
      'dry-run': 'true',
      'fail-on-drift': 'true'
    })

  test('passes when nothing drifted', async () => {
    for (const week of [w1, w2, w3]) emulator.addBlueprint(week)

    const result = await audit()

    expect(result.exitCode).toBe(0)
    expect(result.outputs.changed).toBe('false')
  })

  test('fails on a hand-made share of an old version, saying what in one line, and changes nothing', async () => {
    emulator
      .addBlueprint({ ...w1, sharedWith: [a, b, c] })
      .addBlueprint(w2)
      .addBlueprint(w3)

    const result = await audit()

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toBe(
      '::error::Drift: 1 old version would lose shares in ap-guangzhou ("fail-on-drift" is true; the job summary shows the whole plan).'
    )
    expect(result.outputs.changed).toBe('true')
    expect(emulator.sharesOf(w1.id).sort()).toEqual([a, b, c])
    expect(changeCalls()).toEqual([])
  })

  test('fails on a member who left the organization and still has the share', async () => {
    emulator.organization = new OrganizationEmulator(OWNER_UIN).addMembers({ uin: a }, { uin: b })
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: [a, b, c] })

    const result = await step({
      'account-ids': '',
      'organization-units': 'all',
      'revoke-unlisted': 'true',
      'dry-run': 'true',
      'fail-on-drift': 'true'
    })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('Drift: 1 account would lose the share (')
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual([a, b, c])
  })

  test('says every kind of change, with the accounts that would gain the share first', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID, sharedWith: [c] })

    const result = await step({
      'revoke-unlisted': 'true',
      'dry-run': 'true',
      'fail-on-drift': 'true'
    })

    expect(errorLine(result)).toContain('Drift: 2 accounts would gain the share, 1 would lose it (')
  })

  test('without dry-run is an input error, before any API call', async () => {
    emulator.addBlueprint({ id: BLUEPRINT_ID })

    const result = await step({ 'fail-on-drift': 'true' })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('Input "fail-on-drift" is "true" and "dry-run" is not true')
    expect(emulator.calls).toEqual([])
  })
})
