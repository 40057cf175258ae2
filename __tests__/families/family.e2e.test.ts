/**
 * Image families: the image by name, older versions retired and deleted,
 * the quota before copying. The bundled action against the emulator, whose
 * name filter matches by substring and whose DeleteBlueprints deletes an
 * image with its shares (so the action must take them first).
 */
import { describe, expect, test } from '@jest/globals'
import { emulatorForEachTest, rootAccounts, shareInputs, REGION } from '../helpers/fixtures.js'
import { errorLine, objectOutput, runAction } from '../helpers/run-action.js'
import { readableSummary } from '../helpers/readable-summary.js'
import { daysAgo, familyStepOn, weeklyBuilds } from '../helpers/builds.js'

const [a, b, c] = rootAccounts(3)
/** Five weekly builds, w1 the oldest. */
const WEEKS = weeklyBuilds(5)
const [w1, w2, w3, w4, w5] = WEEKS
const OUTSIDER = 'lhbp-0ther001'
const COPY_REGION = 'ap-shanghai'

const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [a, b, c])
  // Every old version is shared with a and b, as last week's run left it.
  for (const week of WEEKS) created.addBlueprint({ ...week, sharedWith: [a, b] })
  created.addBlueprint({
    id: OUTSIDER,
    name: 'golden-windows-2026-w01',
    createdTime: daysAgo(60),
    sharedWith: [a, b]
  })
})

const familyStep = familyStepOn(emulator, [a, b])
const changes = () =>
  emulator.calls.filter((call) =>
    ['CancelShareBlueprintAcrossAccounts', 'DeleteBlueprints', 'SyncBlueprint'].includes(
      call.action
    )
  )

describe('blueprint-name', () => {
  test('is the newest image of exactly that name, not a longer name the filter also returns', async () => {
    emulator
      .addBlueprint({ id: 'lhbp-w05debug', name: `${w5.name}-debug`, createdTime: daysAgo(0) })
      .addBlueprint({ id: 'lhbp-w05again', name: w5.name, createdTime: daysAgo(3) })
      .addBlueprint({
        id: 'lhbp-w05faild',
        name: w5.name,
        createdTime: daysAgo(0),
        state: 'CREATEFAILED'
      })

    const result = await runAction(
      shareInputs(emulator, { 'blueprint-id': '', 'blueprint-name': w5.name, 'account-ids': c })
    )

    expect(errorLine(result)).toBe('')
    // w5 was built 7 days ago; a later build of the same name exists, and a failed one does not count.
    expect(result.outputs['blueprint-id']).toBe('lhbp-w05again')
    expect(emulator.sharesOf('lhbp-w05again')).toEqual([c])
    expect(emulator.sharesOf('lhbp-w05debug')).toEqual([])
  })

  test('that no image has is an input error naming the name and the region', async () => {
    const result = await runAction(
      shareInputs(emulator, {
        'blueprint-id': '',
        'blueprint-name': 'golden-ubuntu-2027',
        'account-ids': c
      })
    )

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(
      `Input "blueprint-name": no custom image in ${REGION} is named exactly "golden-ubuntu-2027"`
    )
    expect(emulator.actions).toEqual(['DescribeBlueprints'])
  })

  test('and blueprint-id together, or a name outside the family, are refused before any call', async () => {
    const both = await runAction(
      shareInputs(emulator, { 'blueprint-name': w5.name, 'account-ids': c, 'blueprint-id': w5.id })
    )
    expect(errorLine(both)).toContain('Inputs "blueprint-id" and "blueprint-name" are both set')
    const outside = await familyStep({
      'blueprint-id': '',
      'blueprint-name': 'golden-windows-2026-w01'
    })
    expect(errorLine(outside)).toContain('does not match "family" ("golden-ubuntu-*")')
    expect(emulator.calls).toEqual([])
  })
})

describe('keep-shared and keep-images', () => {
  test('keep-shared 2 over five versions: the three oldest lose every share', async () => {
    emulator.addBlueprint({ ...w2, sharedWith: [a, b, c] })

    const result = await familyStep({ 'blueprint-id': w5.id, 'keep-shared': '2' })

    expect(errorLine(result)).toBe('')
    expect(emulator.sharesOf(w5.id)).toEqual([a, b])
    expect(emulator.sharesOf(w4.id)).toEqual([a, b])
    for (const old of [w3, w2, w1]) expect(emulator.sharesOf(old.id)).toEqual([])
    // Every share of a version, not only the accounts this step lists.
    expect(objectOutput(result, 'retired-blueprint-ids')).toEqual({
      [REGION]: [w3.id, w2.id, w1.id]
    })
    expect(objectOutput(result, 'deleted-blueprint-ids')).toEqual({ [REGION]: [] })
    expect(emulator.sharesOf(OUTSIDER)).toEqual([a, b])
    const summary = readableSummary(result.summary)
    expect(summary).toContain('### Older versions (golden-ubuntu-*)')
    expect(summary).toContain(`${w2.id}  |  ${w2.name}`)
    expect(summary).toMatch(/lhbp-week0002.*lost 3 share\(s\)/)
  })

  test('keep-images 3: the versions beyond it are deleted once their shares are gone', async () => {
    const result = await familyStep({
      'blueprint-id': w5.id,
      'keep-shared': '2',
      'keep-images': '3'
    })

    expect(errorLine(result)).toBe('')
    expect(objectOutput(result, 'deleted-blueprint-ids')).toEqual({ [REGION]: [w2.id, w1.id] })
    // Nothing deleted still had a share: each lost its shares first. The oldest goes first.
    expect(emulator.deleted).toEqual([
      { id: w1.id, region: REGION, shares: [] },
      { id: w2.id, region: REGION, shares: [] }
    ])
    expect(emulator.sharesOf(w3.id)).toEqual([])
    expect(emulator.blueprint(w3.id).state).toBe('NORMAL')
    expect(emulator.sharesOf(w4.id)).toEqual([a, b])
  })

  test('an image in use is kept with a warning, and the step succeeds', async () => {
    emulator.inUse.add(w1.id)

    const result = await familyStep({
      'blueprint-id': w5.id,
      'keep-shared': '2',
      'keep-images': '3'
    })

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(
      /::warning::lhbp-week0001 .* is not deleted: .*UnsupportedOperation.BlueprintOccupied/
    )
    expect(objectOutput(result, 'deleted-blueprint-ids')).toEqual({ [REGION]: [w2.id] })
    expect(emulator.blueprint(w1.id).state).toBe('NORMAL')
    expect(readableSummary(result.summary)).toMatch(
      /lhbp-week0001.*kept: UnsupportedOperation.BlueprintOccupied: The image is in use/
    )
  })

  test('a re-run of an older build touches nothing newer', async () => {
    const result = await familyStep({
      'blueprint-id': w3.id,
      'keep-shared': '1',
      'keep-images': '1'
    })

    expect(errorLine(result)).toBe('')
    for (const newer of [w4, w5]) {
      expect(emulator.sharesOf(newer.id)).toEqual([a, b])
      expect(emulator.blueprint(newer.id).state).toBe('NORMAL')
    }
    expect(emulator.sharesOf(w3.id)).toEqual([a, b])
    expect(objectOutput(result, 'deleted-blueprint-ids')).toEqual({ [REGION]: [w2.id, w1.id] })
    expect(changes().map((call) => call.params.BlueprintId)).not.toContain(w4.id)
  })

  test('a dry run changes nothing, and its plan says what would be retired and deleted', async () => {
    const result = await familyStep({
      'blueprint-id': w5.id,
      'keep-shared': '2',
      'keep-images': '3',
      'dry-run': 'true'
    })

    expect(errorLine(result)).toBe('')
    expect(changes()).toEqual([])
    for (const week of WEEKS) expect(emulator.sharesOf(week.id)).toEqual([a, b])
    expect(objectOutput(result, 'retired-blueprint-ids')).toEqual({
      [REGION]: [w3.id, w2.id, w1.id]
    })
    expect(objectOutput(result, 'deleted-blueprint-ids')).toEqual({ [REGION]: [w2.id, w1.id] })
    const summary = readableSummary(result.summary)
    expect(summary).toMatch(/lhbp-week0001.*would lose 2 share\(s\); would be deleted/)
    expect(summary).toMatch(/lhbp-week0003.*would lose 2 share\(s\)/)
  })

  test('a failed share of this image leaves every older version as it was', async () => {
    emulator.addAccounts('sub', ['400000000001'])

    const result = await familyStep({
      'blueprint-id': w5.id,
      'account-ids': `${a},400000000001`,
      'keep-shared': '1',
      'on-account-error': 'warn'
    })

    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      '::warning::Older versions of "golden-ubuntu-*" keep their shares'
    )
    expect(changes()).toEqual([])
    expect(emulator.sharesOf(w4.id)).toEqual([a, b])
  })

  test('keep-images without keep-shared, or below it, is refused before any call', async () => {
    const alone = await familyStep({ 'blueprint-id': w5.id, 'keep-images': '3' })
    expect(errorLine(alone)).toContain('Input "keep-images" needs "keep-shared"')
    const below = await familyStep({
      'blueprint-id': w5.id,
      'keep-shared': '3',
      'keep-images': '2'
    })
    expect(errorLine(below)).toContain('Input "keep-images" (2) is less than "keep-shared" (3)')
    expect(emulator.calls).toEqual([])
  })
})

describe('where the share list cannot be read', () => {
  test.each(['false', 'true'])(
    "only this step's accounts lose old shares, and nothing is deleted (dry-run: %s)",
    async (dryRun) => {
      emulator.site = 'international'
      emulator.addBlueprint({ ...w1, sharedWith: [a, c] })

      const result = await familyStep({
        'blueprint-id': w5.id,
        'account-ids': a,
        'keep-shared': '3',
        'keep-images': '3',
        'dry-run': dryRun
      })

      expect(errorLine(result)).toBe('')
      expect(result.stdout).toContain('::warning::The shares of older versions cannot be read here')
      expect(emulator.callsTo('DeleteBlueprints')).toEqual([])
      expect(objectOutput(result, 'deleted-blueprint-ids')).toEqual({ [REGION]: [] })
      expect(readableSummary(result.summary)).toMatch(
        /lhbp-week0001.*kept: its shares cannot be read here/
      )
      // The account this step does not list keeps its share of the old version.
      expect(emulator.sharesOf(w1.id)).toEqual(dryRun === 'true' ? [a, c] : [c])
    }
  )
})

describe('with copies', () => {
  test('a full quota stops the copy before SyncBlueprint, naming the quota and keep-images', async () => {
    emulator.addBlueprint({ id: 'lhbp-shfull01', region: COPY_REGION, name: 'something' })
    emulator.blueprintQuota.set(COPY_REGION, 1)

    const result = await familyStep({ 'blueprint-id': w5.id, 'copy-to-regions': COPY_REGION })

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(
      `${COPY_REGION}: No room for the copy: the custom image quota here is used up (0 available of 1`
    )
    expect(errorLine(result)).toContain('"keep-images"')
    expect(emulator.callsTo('SyncBlueprint')).toEqual([])
    expect(readableSummary(result.summary)).toContain(
      'Custom image quota  |  1 of 1 used before copying'
    )
    // The source region is shared all the same.
    expect(emulator.sharesOf(w5.id)).toEqual([a, b])
  }, 30_000)

  test('the family is kept in each region, copies dated by the build they were made from', async () => {
    // Copies of w1 and w2 from earlier runs; w1's was made yesterday (a re-run), yet it is w1's version.
    const copies = [
      { id: 'lhbp-shcopy01', of: w1, createdTime: daysAgo(1) },
      { id: 'lhbp-shcopy02', of: w2, createdTime: daysAgo(20) }
    ]
    for (const copy of copies) {
      emulator.addBlueprint({
        id: copy.id,
        region: COPY_REGION,
        name: copy.of.name,
        description: `Copy of ${copy.of.id} from ${REGION}`,
        createdTime: copy.createdTime,
        sharedWith: [a, b]
      })
    }

    const result = await familyStep({
      'blueprint-id': w3.id,
      'copy-to-regions': COPY_REGION,
      'keep-shared': '1',
      'keep-images': '2'
    })

    expect(errorLine(result)).toBe('')
    const copy = (JSON.parse(result.outputs['blueprint-ids']) as Record<string, string>)[
      COPY_REGION
    ]
    expect(emulator.sharesOf(copy)).toEqual([a, b])
    // In the source region w4 and w5 are newer and count among the newest two kept: w2 and w1 go.
    expect(objectOutput(result, 'deleted-blueprint-ids')).toEqual({
      [REGION]: [w2.id, w1.id],
      [COPY_REGION]: ['lhbp-shcopy01']
    })
    expect(objectOutput(result, 'retired-blueprint-ids')).toEqual({
      [REGION]: [w2.id, w1.id],
      [COPY_REGION]: ['lhbp-shcopy02', 'lhbp-shcopy01']
    })
    // The newer builds in the source region are untouched.
    expect(emulator.sharesOf(w5.id)).toEqual([a, b])
    expect(emulator.deleted.every((d) => d.shares.length === 0)).toBe(true)
    const summary = readableSummary(result.summary)
    expect(summary).toContain(`### Older versions (golden-ubuntu-*) in ${COPY_REGION}`)
    expect(summary).toMatch(/Custom image quota {2}\| {2}2 of 50 used before copying/)
  }, 30_000)
})
