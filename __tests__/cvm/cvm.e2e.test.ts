/**
 * image-id: a CVM custom image (Packer's tencentcloud-cvm artifact) made a
 * Lighthouse blueprint and shared, never two blueprints of one image. The
 * bundled action against the emulator, whose new blueprint is named after
 * the CVM image's ID (not its name) and reads CREATING at first: the least
 * convenient reading of what the spec leaves open.
 */
import { describe, expect, test } from '@jest/globals'
import { emulatorForEachTest, rootAccounts, shareInputs } from '../helpers/fixtures.js'
import { errorLine, listOutput, runAction } from '../helpers/run-action.js'
import { readableSummary } from '../helpers/readable-summary.js'

const CONVERT = 'ModifyImageSharePermission'
const IMAGE = 'img-w49built'
const NAME = 'golden-ubuntu-2026-w49'
const [a, b] = rootAccounts(2)

const emulator = emulatorForEachTest((created) => {
  created.addAccounts('root', [a, b]).addCvmImage({ id: IMAGE, name: NAME })
})

const cvmStep = (overrides: Record<string, string> = {}) =>
  runAction(
    shareInputs(emulator, {
      'blueprint-id': '',
      'image-id': IMAGE,
      'account-ids': `${a},${b}`,
      ...overrides
    })
  )
/** The own custom images made from a CVM image. */
const blueprintsOf = (imageId: string) =>
  [...emulator.allBlueprints()].filter((image) => image.imageId === imageId)

describe('from a CVM image', () => {
  test('makes one blueprint, waits for it, and shares it, without renaming it', async () => {
    const result = await cvmStep()

    expect(errorLine(result)).toBe('')
    const [made] = blueprintsOf(IMAGE)
    expect(blueprintsOf(IMAGE)).toHaveLength(1)
    expect(result.outputs['blueprint-id']).toBe(made.id)
    expect(made.name).toBe(IMAGE)
    expect(emulator.callsTo('ModifyBlueprintAttribute')).toEqual([])
    expect(emulator.sharesOf(made.id).sort()).toEqual([a, b])
    expect(result.outputs.changed).toBe('true')
    expect(emulator.callsTo('DescribeImagesToShare')).toHaveLength(1)
    expect(readableSummary(result.summary)).toContain(
      `${made.id} was made from CVM image ${IMAGE} by this run.`
    )
    expect(result.stdout).toContain(`Updating the shares of the blueprint of CVM image ${IMAGE} in`)
  })

  test("takes the entry for region from Packer's artifact ID with two regions", async () => {
    emulator.addCvmImage({ id: 'img-shanghai', name: NAME, region: 'ap-shanghai' })

    const result = await cvmStep({ 'image-id': `ap-shanghai:img-shanghai,ap-guangzhou:${IMAGE}` })

    expect(errorLine(result)).toBe('')
    expect(emulator.callsTo(CONVERT).map((c) => c.params.ImageId)).toEqual([IMAGE])
    expect(blueprintsOf('img-shanghai')).toEqual([])
  })

  test('a re-run finds the blueprint made before, and makes no other', async () => {
    const first = await cvmStep()
    const again = await cvmStep()

    expect(errorLine(again)).toBe('')
    expect(again.outputs['blueprint-id']).toBe(first.outputs['blueprint-id'])
    expect(emulator.callsTo(CONVERT)).toHaveLength(1)
    expect(blueprintsOf(IMAGE)).toHaveLength(1)
    expect(again.outputs.changed).toBe('false')
  })

  test('with family, a re-run reads the CVM image only while its blueprint is not yet named for the family', async () => {
    const withFamily = { family: 'golden-ubuntu-*' }
    const first = await cvmStep(withFamily)
    const made = first.outputs['blueprint-id']
    expect(emulator.blueprint(made).name).toBe(NAME)
    const readsBefore = emulator.callsTo('DescribeImagesToShare').length

    const again = await cvmStep(withFamily)

    expect(errorLine(again)).toBe('')
    expect(again.outputs['blueprint-id']).toBe(made)
    expect(emulator.callsTo('DescribeImagesToShare')).toHaveLength(readsBefore)
    expect(emulator.callsTo('ModifyBlueprintAttribute')).toHaveLength(1)

    // A blueprint an earlier run made but did not name yet is read for and named.
    emulator.blueprint(made).name = IMAGE
    const named = await cvmStep(withFamily)
    expect(errorLine(named)).toBe('')
    expect(emulator.callsTo('DescribeImagesToShare')).toHaveLength(readsBefore + 1)
    expect(emulator.blueprint(made).name).toBe(NAME)
  })

  test('a lost ModifyImageSharePermission answer is settled by looking, never by a second blueprint', async () => {
    emulator.inject(CONVERT, { kind: 'lose-answer' })

    const result = await cvmStep()

    expect(errorLine(result)).toBe('')
    expect(blueprintsOf(IMAGE)).toHaveLength(1)
    expect(emulator.callsTo(CONVERT)).toHaveLength(1)
    expect(emulator.sharesOf(blueprintsOf(IMAGE)[0].id).sort()).toEqual([a, b])
  })

  test('a lost call that made nothing is sent once more', async () => {
    emulator.inject(CONVERT, { kind: 'drop' })

    const result = await cvmStep()

    expect(errorLine(result)).toBe('')
    expect(emulator.callsTo(CONVERT)).toHaveLength(2)
    expect(blueprintsOf(IMAGE)).toHaveLength(1)
  })

  test('a dry run makes nothing and says what it would do', async () => {
    const result = await cvmStep({ 'dry-run': 'true' })

    expect(errorLine(result)).toBe('')
    expect(emulator.callsTo(CONVERT)).toEqual([])
    expect(blueprintsOf(IMAGE)).toEqual([])
    expect(result.outputs.changed).toBe('true')
    expect(listOutput(result, 'shared-account-ids')).toEqual([a, b])
    expect(readableSummary(result.summary)).toContain(
      `A blueprint would be made from CVM image ${IMAGE}.`
    )
  })

  test('with copy-to-regions and family: named as the CVM image, copied, and the older version retired', async () => {
    emulator.addBlueprint({
      id: 'lhbp-w48build',
      name: 'golden-ubuntu-2026-w48',
      createdTime: new Date(Date.now() - 7 * 86_400_000).toISOString(),
      sharedWith: [a, b]
    })

    const result = await cvmStep({
      'copy-to-regions': 'ap-shanghai',
      family: 'golden-ubuntu-*',
      'keep-shared': '1'
    })

    expect(errorLine(result)).toBe('')
    const copies = JSON.parse(result.outputs['blueprint-ids']) as Record<string, string>
    expect(Object.keys(copies)).toEqual(['ap-guangzhou', 'ap-shanghai'])
    expect(emulator.sharesOf(copies['ap-shanghai']).sort()).toEqual([a, b])
    expect(emulator.sharesOf('lhbp-w48build')).toEqual([])
    expect(emulator.blueprint(result.outputs['blueprint-id']).name).toBe(NAME)
  }, 30_000)
})

describe('an image that cannot become a blueprint stops the step before any change', () => {
  test.each([
    [
      'not in the region',
      () => emulator.cvmImages.delete(IMAGE),
      `DescribeImagesToShare lists no CVM image ${IMAGE} in ap-guangzhou`
    ],
    [
      'not NORMAL',
      () => (emulator.cvmImages.get(IMAGE)!.state = 'CREATING'),
      `CVM image ${IMAGE} is CREATING: only a NORMAL image can become a blueprint`
    ],
    [
      'of a kind Lighthouse does not take',
      () =>
        Object.assign(emulator.cvmImages.get(IMAGE)!, {
          shareable: false,
          unshareableReason: 'The image does not support cloud-init.'
        }),
      'cannot become a Lighthouse blueprint: The image does not support cloud-init.'
    ]
  ])('%s', async (_, setUp, said) => {
    setUp()

    const result = await cvmStep()

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain(said)
    expect(emulator.callsTo(CONVERT)).toEqual([])
    expect(emulator.callsTo('ShareBlueprintAcrossAccounts')).toEqual([])
  })

  test("without Lighthouse's service role: the code, and what to do", async () => {
    emulator.lighthouseServiceRole = false

    const result = await cvmStep()

    expect(result.exitCode).toBe(1)
    expect(errorLine(result)).toContain('ResourceNotFound.RoleNotFound')
    expect(errorLine(result)).toContain("Lighthouse's service role does not exist in this account")
    expect(blueprintsOf(IMAGE)).toEqual([])
  })
})

test('an old CVM image made a blueprint again (a rollback) never outranks newer builds', async () => {
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString()
  emulator.cvmImages.get(IMAGE)!.createdTime = daysAgo(30).replace(/\.\d{3}Z$/, 'Z')
  emulator.addBlueprint({
    id: 'lhbp-w48build',
    name: 'golden-ubuntu-2026-w48',
    createdTime: daysAgo(7),
    sharedWith: [a, b]
  })

  const result = await cvmStep({
    family: 'golden-ubuntu-*',
    'keep-shared': '1',
    'keep-images': '1'
  })

  expect(errorLine(result)).toBe('')
  const [made] = blueprintsOf(IMAGE)
  expect(emulator.sharesOf(made.id).sort()).toEqual([a, b])
  // The newer build keeps its shares and its image.
  expect(emulator.sharesOf('lhbp-w48build').sort()).toEqual([a, b])
  expect(result.outputs['deleted-blueprint-ids']).toBe('{"ap-guangzhou":[]}')
  expect(result.stdout).toContain(
    'keep their shares: this image was made now from a CVM image built before lhbp-w48build'
  )
})

test('a blueprint made before its rename failed is named in the failure and the outputs', async () => {
  emulator.inject('ModifyBlueprintAttribute', {
    kind: 'error',
    code: 'InvalidParameterValue.TooLong'
  })

  const result = await cvmStep({ family: 'golden-ubuntu-*' })

  expect(result.exitCode).toBe(1)
  const [made] = blueprintsOf(IMAGE)
  expect(errorLine(result)).toContain('InvalidParameterValue.TooLong')
  expect(errorLine(result)).toContain(
    `(${made.id} was made from CVM image ${IMAGE} before the step stopped; a re-run uses it.)`
  )
  expect(result.outputs['blueprint-id']).toBe(made.id)
  expect(result.outputs.changed).toBe('true')
})

test('a step that stops after the blueprint was made says so, and names it in the outputs', async () => {
  // No organization exists: the targets fail after the conversion.
  const result = await cvmStep({ 'organization-units': 'all' })

  expect(result.exitCode).toBe(1)
  const [made] = blueprintsOf(IMAGE)
  expect(errorLine(result)).toContain(
    `(${made.id} was made from CVM image ${IMAGE} before the step stopped; a re-run uses it.)`
  )
  expect(result.outputs['blueprint-id']).toBe(made.id)
  expect(result.outputs.changed).toBe('true')
})
