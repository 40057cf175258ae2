/**
 * Which image in a region is the copy of the source: the action marks each
 * copy it makes (its description), and never takes an image it cannot tell
 * apart for one. The bundled action against the emulator, whose name filter
 * is fuzzy and whose copies keep their source's name and description.
 */
import { describe, expect, test } from '@jest/globals'
import { emulatorForEachTest, rootAccounts, shareInputs } from '../helpers/fixtures.js'
import { errorLine, runAction, type ActionResult } from '../helpers/run-action.js'
import { MODIFY } from '../helpers/actions.js'
import { hoursAgo } from '../helpers/builds.js'

const SOURCE = 'ap-singapore'
const NAME = 'golden-ubuntu-24.04'
const OLD = 'lhbp-old00001'
const NEW = 'lhbp-new00001'
const [a, b, c] = rootAccounts(3)

const emulator = emulatorForEachTest((created) => {
  created
    .addAccounts('root', [a, b, c])
    .addBlueprint({ id: OLD, region: SOURCE, name: NAME, createdTime: hoursAgo(48) })
    .addBlueprint({ id: NEW, region: SOURCE, name: NAME, createdTime: hoursAgo(1) })
})

const copyStep = (
  blueprintId: string,
  accounts: string[],
  overrides: Record<string, string> = {}
) =>
  runAction(
    shareInputs(emulator, {
      'blueprint-id': blueprintId,
      region: SOURCE,
      'account-ids': accounts.join(','),
      'copy-to-regions': 'ap-tokyo',
      ...overrides
    })
  )
/** The mark a copy of `id` carries: its source, the source's region and its build time. */
const markOf = (id: string) =>
  `Copy of ${id} from ${SOURCE} ${emulator.blueprint(id).createdTime!.replace(/[-:]/g, '')}`
const copyOf = (result: ActionResult, region = 'ap-tokyo') =>
  (JSON.parse(result.outputs['blueprint-ids'] ?? '{}') as Record<string, string>)[region]

describe('telling copies apart', () => {
  test('a copy the step makes is marked with its source and build time, and the source is never written on', async () => {
    const result = await copyStep(NEW, [a])

    expect(errorLine(result)).toBe('')
    const copy = copyOf(result)
    expect(emulator.blueprint(copy).description).toBe(markOf(NEW))
    expect(markOf(NEW)).toMatch(/^Copy of lhbp-new00001 from ap-singapore \d{8}T\d{6}Z$/)
    expect(emulator.callsTo(MODIFY).map((call) => call.params.BlueprintId)).toEqual([copy])
    expect(emulator.blueprint(NEW).description).toBeNull()
  }, 30_000)

  test('a mark refused with "retry later" (ModifyResourcesAttributeFailed) is written on the next attempt', async () => {
    emulator.inject(MODIFY, {
      kind: 'error',
      code: 'FailedOperation.ModifyResourcesAttributeFailed'
    })

    const result = await copyStep(NEW, [a])

    expect(errorLine(result)).toBe('')
    const copy = copyOf(result)
    expect(emulator.callsTo(MODIFY).map((call) => call.outcome)).toEqual([
      'FailedOperation.ModifyResourcesAttributeFailed',
      undefined
    ])
    expect(emulator.blueprint(copy).description).toBe(markOf(NEW))
    expect(emulator.sharesOf(copy)).toEqual([a])
  }, 30_000)

  test("a re-run of an older build with revoke-unlisted never touches the newer build's copy", async () => {
    const newer = await copyStep(NEW, [a, b])
    const newCopy = copyOf(newer)

    const older = await copyStep(OLD, [c], { 'revoke-unlisted': 'true' })

    expect(errorLine(older)).toBe('')
    expect(emulator.sharesOf(newCopy).sort()).toEqual([a, b])
    expect(copyOf(older)).not.toBe(newCopy)
    expect(emulator.sharesOf(copyOf(older))).toEqual([c])
  }, 30_000)

  test("a newer build never takes the copy an older build's delayed job made after it", async () => {
    const older = await copyStep(OLD, [a])
    const oldCopy = copyOf(older)

    const newer = await copyStep(NEW, [b])

    expect(copyOf(newer)).not.toBe(oldCopy)
    expect(emulator.callsTo('SyncBlueprint').map((call) => call.params.BlueprintId)).toEqual([
      OLD,
      NEW
    ])
    expect(emulator.sharesOf(oldCopy)).toEqual([a])
    const rerun = await copyStep(NEW, [b])
    expect(copyOf(rerun)).toBe(copyOf(newer))
  }, 30_000)

  test('after the source is renamed, its copy is still found and a revoke reaches it', async () => {
    const first = await copyStep(NEW, [a, b])
    const copy = copyOf(first)
    emulator.blueprint(NEW).name = 'golden-renamed'

    const revoke = await copyStep(NEW, [a], { 'revoke-account-ids': b })

    expect(errorLine(revoke)).toBe('')
    expect(emulator.blueprintsIn('ap-tokyo')).toHaveLength(1)
    expect(copyOf(revoke)).toBe(copy)
    expect(emulator.sharesOf(copy)).toEqual([a])
  }, 30_000)

  test('two unmarked images that could each be the copy: the region fails before any change, naming both', async () => {
    for (const id of ['lhbp-tokyo001', 'lhbp-tokyo002']) {
      emulator.addBlueprint({
        id,
        region: 'ap-tokyo',
        name: NAME,
        createdTime: hoursAgo(0.5),
        sharedWith: [c]
      })
    }

    const result = await copyStep(NEW, [a], {
      'copy-to-regions': 'ap-tokyo, ap-bangkok',
      'revoke-unlisted': 'true'
    })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('lhbp-tokyo001, lhbp-tokyo002 all have the name of')
    expect(errorLine(result)).toContain('ModifyBlueprintAttribute --region ap-tokyo')
    for (const id of ['lhbp-tokyo001', 'lhbp-tokyo002']) expect(emulator.sharesOf(id)).toEqual([c])
    expect(emulator.callsTo('SyncBlueprint').map((call) => call.params.DestinationRegions)).toEqual(
      [['ap-bangkok']]
    )
    expect(emulator.sharesOf(copyOf(result, 'ap-bangkok'))).toEqual([a])
  }, 30_000)

  test('an unmarked copy is taken, and marked, only while no other build in the source region has its name', async () => {
    emulator.addBlueprint({
      id: 'lhbp-tokyo001',
      region: 'ap-tokyo',
      name: NAME,
      createdTime: hoursAgo(0.5)
    })

    const unclear = await copyStep(NEW, [a])
    expect(unclear.exitCode).toBe(1)
    expect(errorLine(unclear)).toContain(`${OLD} in ${SOURCE} has that name too`)
    expect(emulator.sharesOf('lhbp-tokyo001')).toEqual([])

    emulator.blueprint(OLD).name = 'golden-ubuntu-22.04'
    const taken = await copyStep(NEW, [a])
    expect(errorLine(taken)).toBe('')
    expect(copyOf(taken)).toBe('lhbp-tokyo001')
    expect(emulator.blueprint('lhbp-tokyo001').description).toBe(markOf(NEW))
    expect(emulator.sharesOf('lhbp-tokyo001')).toEqual([a])
    expect(emulator.callsTo('SyncBlueprint')).toHaveLength(0)
  }, 30_000)

  test('a name the fuzzy filter also matches (a longer one) is never taken for the copy', async () => {
    emulator.blueprint(OLD).name = `${NAME}-beta`
    emulator.addBlueprint({
      id: 'lhbp-tokyo001',
      region: 'ap-tokyo',
      name: `${NAME}-beta`,
      createdTime: hoursAgo(0.5)
    })

    const result = await copyStep(NEW, [a])

    expect(errorLine(result)).toBe('')
    expect(copyOf(result)).not.toBe('lhbp-tokyo001')
    expect(emulator.sharesOf('lhbp-tokyo001')).toEqual([])
  }, 30_000)
})

describe('making copies', () => {
  test('after one region is copied the source syncs: the next region waits, and fails with its own code', async () => {
    emulator.syncQuota = 1

    const result = await copyStep(NEW, [a], { 'copy-to-regions': 'ap-tokyo, ap-bangkok' })

    expect(result.exitCode).toBe(1)
    expect(
      emulator
        .callsTo('SyncBlueprint')
        .map((call) => [call.params.DestinationRegions, call.outcome])
    ).toEqual([
      [['ap-tokyo', 'ap-bangkok'], 'LimitExceeded.SyncBlueprintQuotaLimitExceeded'],
      [['ap-tokyo'], undefined],
      [['ap-bangkok'], 'LimitExceeded.SyncBlueprintQuotaLimitExceeded']
    ])
    expect(errorLine(result)).toMatch(
      /ap-bangkok: Could not copy the image here: .*SyncBlueprintQuotaLimitExceeded/
    )
    expect(errorLine(result)).not.toContain('BlueprintCurStateInvalid')
    expect(emulator.sharesOf(copyOf(result))).toEqual([a])
  }, 30_000)

  test('wait-timeout-seconds: 0 does not refuse the wait the step causes itself by copying', async () => {
    const result = await copyStep(NEW, [a], { 'wait-timeout-seconds': '0' })

    expect(errorLine(result)).toBe('')
    expect(result.exitCode).toBe(0)
    expect(emulator.sharesOf(NEW)).toEqual([a])
    expect(emulator.sharesOf(copyOf(result))).toEqual([a])
  }, 30_000)

  test('wait-timeout-seconds: 0 still refuses to wait for the given image', async () => {
    emulator.setBlueprintState(NEW, 'SYNCING')

    const result = await copyStep(NEW, [a], { 'wait-timeout-seconds': '0' })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('"wait-timeout-seconds" is 0')
  })
})
