/** copy-to-regions: the bundled action copies the image with SyncBlueprint and shares every copy. */
import { describe, expect, test } from '@jest/globals'
import {
  BLUEPRINT_ID,
  emulatorForEachTest,
  rootAccounts,
  shareInputs
} from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction, type ActionResult } from '../helpers/run-action.js'
import { SYNC, SHARE } from '../helpers/actions.js'

const SOURCE = 'ap-singapore'
const NAME = 'golden-ubuntu-24.04'
const accounts = rootAccounts(3)

const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', accounts).addBlueprint({
    id: BLUEPRINT_ID,
    region: SOURCE,
    name: NAME,
    createdTime: new Date(Date.now() - 60_000).toISOString()
  })
})

function copyInputs(copyTo: string, overrides: Record<string, string> = {}) {
  return shareInputs(emulator, {
    region: SOURCE,
    'account-ids': accounts.join(','),
    'copy-to-regions': copyTo,
    ...overrides
  })
}

const outputObject = (result: ActionResult, name: string) =>
  JSON.parse(result.outputs[name] ?? '{}') as Record<string, unknown>

/** The ID of the copy the emulator holds in a region (the newest image there). */
const copyIn = (region: string) => emulator.blueprintsIn(region)[0]?.id

describe('copying to other regions', () => {
  test('copies to two regions in one SyncBlueprint call and shares the image and each copy', async () => {
    const result = await runAction(copyInputs('ap-tokyo, ap-bangkok'))

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(SYNC).map((c) => c.params.DestinationRegions)).toEqual([
      ['ap-tokyo', 'ap-bangkok']
    ])
    const tokyo = copyIn('ap-tokyo')
    const bangkok = copyIn('ap-bangkok')
    for (const id of [BLUEPRINT_ID, tokyo, bangkok]) {
      expect(emulator.sharesOf(id).sort()).toEqual(accounts)
    }
    expect(emulator.callsTo(SHARE)).toHaveLength(3)
    expect(outputObject(result, 'blueprint-ids')).toEqual({
      [SOURCE]: BLUEPRINT_ID,
      'ap-tokyo': tokyo,
      'ap-bangkok': bangkok
    })
    expect(outputObject(result, 'regions')).toMatchObject({
      'ap-tokyo': { 'blueprint-id': tokyo, copy: 'made', 'shared-account-ids': accounts },
      [SOURCE]: { 'blueprint-id': BLUEPRINT_ID, copy: 'source' }
    })
    expect(listOutput(result, 'shared-account-ids')).toEqual(accounts)
    expect(listOutput(result, 'request-ids')).toHaveLength(3)
    for (const region of [SOURCE, 'ap-tokyo', 'ap-bangkok']) {
      expect(result.summary).toContain(`<h3>${region}</h3>`)
    }
    expect(result.summary).toContain('a copy made by this run')
  }, 60_000)

  test('a re-run makes no second copy and no share', async () => {
    const first = await runAction(copyInputs('ap-tokyo, ap-bangkok'))
    expect(first.exitCode).toBe(0)
    const before = emulator.calls.length

    const second = await runAction(copyInputs('ap-tokyo, ap-bangkok'))

    expect(second.exitCode).toBe(0)
    const rerun = emulator.calls.slice(before).map((c) => c.action)
    expect(rerun).not.toContain(SYNC)
    expect(rerun).not.toContain(SHARE)
    // No call twice: the source read once, each region looked at once, each share list read once.
    expect(rerun.filter((a) => a === 'DescribeBlueprints')).toHaveLength(3)
    expect(rerun.filter((a) => a === 'DescribeBlueprintsShareAcrossAccountInfos')).toHaveLength(3)
    expect(emulator.blueprintsIn('ap-tokyo')).toHaveLength(1)
    expect(outputObject(second, 'blueprint-ids')).toEqual(outputObject(first, 'blueprint-ids'))
    expect(outputObject(second, 'regions')).toMatchObject({ 'ap-tokyo': { copy: 'reused' } })
    expect(listOutput(second, 'already-shared-account-ids')).toEqual(accounts)
    expect(listOutput(second, 'shared-account-ids')).toEqual([])
  }, 60_000)

  test("the image's own region in the list adds nothing", async () => {
    const result = await runAction(copyInputs(`${SOURCE}, ap-tokyo`))
    expect(result.exitCode).toBe(0)
    expect(emulator.callsTo(SYNC).map((c) => c.params.DestinationRegions)).toEqual([['ap-tokyo']])
    expect(Object.keys(outputObject(result, 'blueprint-ids'))).toEqual([SOURCE, 'ap-tokyo'])
  }, 60_000)

  test('one region whose copy fails does not stop the others; the step names it', async () => {
    emulator.failingCopyRegions.add('ap-tokyo')

    const result = await runAction(copyInputs('ap-tokyo, ap-bangkok'))

    expect(result.exitCode).toBe(1)
    expect(emulator.sharesOf(BLUEPRINT_ID).sort()).toEqual(accounts)
    expect(emulator.sharesOf(copyIn('ap-bangkok')).sort()).toEqual(accounts)
    expect(errorLine(result)).toContain('The image could not be shared in 1 of 3 region(s):')
    expect(errorLine(result)).toMatch(/ap-tokyo: Blueprint lhbp-\w+ is in state SYNCING_FAILED/)
    expect(outputObject(result, 'regions')).toMatchObject({
      'ap-bangkok': { 'shared-account-ids': accounts }
    })
  }, 60_000)

  test('a region the API refuses to copy to fails alone; the others are copied and shared', async () => {
    emulator.unavailableRegions.add('ap-tokyo')

    const result = await runAction(copyInputs('ap-tokyo, ap-bangkok'))

    expect(result.exitCode).toBe(1)
    expect(emulator.callsTo(SYNC).map((c) => c.params.DestinationRegions)).toEqual([
      ['ap-tokyo', 'ap-bangkok'],
      ['ap-tokyo'],
      ['ap-bangkok']
    ])
    expect(emulator.sharesOf(copyIn('ap-bangkok')).sort()).toEqual(accounts)
    expect(errorLine(result)).toMatch(
      /ap-tokyo: Could not copy the image here: .*UnavailableRegion/
    )
  }, 60_000)

  test('a dry run makes no copy and no share, and plans each region', async () => {
    // An earlier copy in Tokyo, none in Bangkok.
    emulator.addBlueprint({
      id: 'lhbp-tokyo001',
      region: 'ap-tokyo',
      name: NAME,
      sharedWith: [accounts[0]],
      createdTime: new Date().toISOString()
    })

    const result = await runAction(copyInputs('ap-tokyo, ap-bangkok', { 'dry-run': 'true' }))

    expect(result.exitCode).toBe(0)
    expect(emulator.actions).not.toContain(SYNC)
    expect(emulator.actions).not.toContain(SHARE)
    expect(emulator.blueprintsIn('ap-bangkok')).toEqual([])
    expect(result.stdout).toContain('[ap-tokyo] Reusing the copy lhbp-tokyo001')
    expect(result.stdout).toContain(
      '[ap-bangkok] Dry run: a copy of lhbp-6jc6l8yb would be made here.'
    )
    expect(outputObject(result, 'regions')).toMatchObject({
      'ap-tokyo': {
        'blueprint-id': 'lhbp-tokyo001',
        copy: 'reused',
        'already-shared-account-ids': [accounts[0]],
        'shared-account-ids': accounts.slice(1)
      },
      'ap-bangkok': { 'blueprint-id': '', copy: 'would-make', 'shared-account-ids': accounts }
    })
    expect(result.summary).toContain('a copy would be made')
  }, 60_000)

  test('copies that outlive one set of temporary credentials are shared with renewed ones', async () => {
    const arn = 'qcs::cam::uin/100000000001:roleName/sharer'
    emulator.identity.addProvider('github').addRole({ arn, providerId: 'github', subject: '*' })
    emulator.identity.credentialSeconds = 2
    emulator.copyMs = 4000

    const result = await runAction(
      copyInputs('ap-tokyo', {
        'secret-id': '',
        'secret-key': '',
        'role-arn': arn,
        'oidc-provider-id': 'github'
      }),
      emulator.idTokenVariables
    )

    expect(errorLine(result)).toBe('')
    expect(emulator.identity.issued.length).toBeGreaterThan(1)
    expect(emulator.sharesOf(copyIn('ap-tokyo')).sort()).toEqual(accounts)
  }, 60_000)
})

describe('copy-to-regions is checked before any call', () => {
  test.each([
    ['ap-singapore', 'ap-guangzhou', 'cannot be copied between the Chinese mainland'],
    ['ap-guangzhou', 'ap-shanghai, ap-tokyo', 'cannot be copied between the Chinese mainland'],
    ['ap-singapore', 'ap-atlantis', 'Lighthouse does not offer: "ap-atlantis"']
  ])('from %s to %s is refused', async (region, copyTo, message) => {
    const result = await runAction(copyInputs(copyTo, { region }))
    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(message)
    expect(emulator.calls).toEqual([])
  })
})

describe('a region that fails', () => {
  test('keeps its accounts: each is failed there, with why, and in failed-account-ids', async () => {
    emulator.failingCopyRegions.add('ap-tokyo')
    emulator.addBlueprint({
      id: BLUEPRINT_ID,
      region: SOURCE,
      name: NAME,
      createdTime: new Date(Date.now() - 60_000).toISOString(),
      sharedWith: [accounts[2]]
    })

    const result = await runAction(
      copyInputs('ap-tokyo, ap-bangkok', {
        'account-ids': accounts.slice(0, 2).join(','),
        'revoke-account-ids': accounts[2]
      })
    )

    expect(result.exitCode).toBe(1)
    const regions = outputObject(result, 'regions') as Record<string, Record<string, string[]>>
    expect(regions['ap-tokyo']['failed-account-ids']).toEqual(accounts)
    expect(regions[SOURCE]['revoked-account-ids']).toEqual([accounts[2]])
    // The union: revoked where it worked, failed where it did not; the per-region lists tell them apart.
    expect(listOutput(result, 'failed-account-ids')).toEqual(accounts)
    expect(listOutput(result, 'revoked-account-ids')).toEqual([accounts[2]])
    expect(result.summary).toMatch(
      /Not done in ap-tokyo: Blueprint lhbp-\w+ is in state SYNCING_FAILED/
    )
  }, 60_000)
})

test('each region prints its plan and calls as one group, never interleaved, every line marked with its region', async () => {
  const result = await runAction(copyInputs('ap-tokyo, ap-bangkok'))

  expect(result.exitCode).toBe(0)
  const lines = result.stdout.split('\n')
  const groups: { title: string; lines: string[] }[] = []
  let open: { title: string; lines: string[] } | undefined
  let nested = 0
  for (const line of lines) {
    if (line.startsWith('::group::Region ')) {
      if (open) nested += 1
      open = { title: line.slice('::group::Region '.length), lines: [] }
    } else if (line === '::endgroup::' && open) {
      groups.push(open)
      open = undefined
    } else if (open) {
      open.lines.push(line)
    }
  }
  expect(nested).toBe(0)
  expect(groups.map((g) => g.title.split(':')[0]).sort()).toEqual([
    'ap-bangkok',
    'ap-singapore',
    'ap-tokyo'
  ])
  for (const group of groups) {
    const region = group.title.split(':')[0]
    // Every line of the group, the plan table's included, says its region (debug lines aside).
    expect(
      group.lines.filter((l) => !l.startsWith('::debug::') && !l.startsWith(`[${region}] `))
    ).toEqual([])
    expect(group.lines.some((l) => l.startsWith(`[${region}] Account`))).toBe(true)
  }
}, 60_000)
