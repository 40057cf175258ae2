/**
 * The lifecycle without HTTP: name patterns, the newest by name, how each
 * image is dated from evidence that survives, and each rule's plan.
 */
import { describe, expect, jest, test } from '@jest/globals'
import type { Blueprint } from '../../src/cloud/lighthouse.js'
import {
  buildRegion,
  dateImage,
  familyImages,
  inFamily,
  newestNamed,
  type FamilyImage
} from '../../src/sharing/lifecycle/versions.js'
import { planRegion, rulesOf, type FamilyRule } from '../../src/sharing/lifecycle/rules.js'
import { copyMarker, markedSource } from '../../src/sharing/copies.js'
import { readShareInputs, type GetInput } from '../helpers/settings.js'
import { apiTimeOf } from '../../src/common/times.js'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 1)
const SOURCE = 'ap-guangzhou'
const COPIES = 'ap-shanghai'
const image = (
  id: string,
  name: string,
  daysAgo: number,
  more: Partial<Blueprint> = {}
): Blueprint => ({
  id,
  name,
  nameAsGiven: name,
  state: 'NORMAL',
  type: 'PRIVATE',
  description: '',
  createdAt: NOW - daysAgo * DAY,
  createdTime: apiTimeOf(NOW - daysAgo * DAY),
  imageId: '',
  ...more
})
/** A copy made `daysAgo`, marked as of `source` (its build time in the mark, unless `old`). */
const copyOf = (id: string, source: Blueprint, daysAgo: number, old = false): Blueprint =>
  image(id, source.name, daysAgo, {
    description: copyMarker(source.id, SOURCE, old ? NaN : source.createdAt)
  })

describe('inFamily', () => {
  test.each([
    ['golden-ubuntu-2026-w49', 'golden-ubuntu-*', true],
    ['golden-ubuntu-', 'golden-ubuntu-*', true],
    ['golden-windows-2026', 'golden-ubuntu-*', false],
    ['x-golden-ubuntu-1', 'golden-ubuntu-*', false],
    ['golden.ubuntu', 'golden?ubuntu', false],
    ['golden.ubuntu', 'golden.ubuntu', true],
    ['goldenXubuntu', 'golden.ubuntu', false],
    ['a-1-b', '*-1-*', true],
    ['line\nbreak', 'line*', true]
  ])('%j in %j: %s', (name, pattern, expected) => {
    expect(inFamily(name, pattern)).toBe(expected)
  })
})

describe('newestNamed', () => {
  test('exact name only, newest by CreatedTime, failed ones left out, syncing ones in, never a SHARED one', () => {
    const images = [
      image('lhbp-a0000001', 'golden', 3),
      image('lhbp-a0000002', 'golden', 1, { state: 'SYNCING' }),
      image('lhbp-a0000003', 'golden', 0, { state: 'CREATEFAILED' }),
      image('lhbp-a0000004', 'golden-debug', 0),
      image('lhbp-a0000005', 'golden', 0, { type: 'SHARED' })
    ]
    expect(newestNamed(images, 'golden')?.id).toBe('lhbp-a0000002')
    expect(newestNamed(images, 'gold')).toBeUndefined()
  })
})

describe('copy marks', () => {
  test('carry the source, its region and its build time, within 60 characters', () => {
    const built = Date.UTC(2026, 10, 1, 8, 30, 5)
    expect(copyMarker('lhbp-6jc6l8yb', 'na-siliconvalley', built)).toBe(
      'Copy of lhbp-6jc6l8yb from na-siliconvalley 20261101T083005Z'
    )
    expect(markedSource('Copy of lhbp-6jc6l8yb from ap-singapore 20261101T083005Z')).toEqual({
      id: 'lhbp-6jc6l8yb',
      region: 'ap-singapore',
      builtAt: built,
      badTime: false
    })
  })

  test('leave the region out rather than pass 60 characters, and read the marks of earlier releases', () => {
    const marker = copyMarker('lhbp-6jc6l8yb', 'ap-a-region-name-longer-than-any', NOW)
    expect(marker).toBe('Copy of lhbp-6jc6l8yb 20261201T000000Z')
    expect(markedSource(marker)).toMatchObject({ id: 'lhbp-6jc6l8yb', region: undefined })
    expect(markedSource('Copy of lhbp-6jc6l8yb from ap-singapore')).toMatchObject({
      region: 'ap-singapore',
      builtAt: NaN,
      badTime: false
    })
    expect(markedSource('Copy of lhbp-6jc6l8yb from ap-singapore 20261341T000000Z')?.badTime).toBe(
      true
    )
    expect(markedSource('copy of lhbp-6jc6l8yb')).toBeUndefined()
  })
})

describe('dateImage', () => {
  const w1 = image('lhbp-week0001', 'g-w1', 21)
  const w2 = image('lhbp-week0002', 'g-w2', 14)
  const builds = buildRegion(SOURCE, [w1, w2])
  const date = (b: Blueprint, region = COPIES) => dateImage(b, region, builds)

  test('a build by its own CreatedTime in the build region', () => {
    expect(date(w1, SOURCE)).toEqual({ known: true, builtAt: w1.createdAt })
  })

  test("a copy by its mark's build time, not its CreatedTime: a copy made today of an old build is old", () => {
    expect(date(copyOf('lhbp-cpy00001', w1, 0))).toEqual({ known: true, builtAt: w1.createdAt })
  })

  test('a copy whose source is gone, by its mark alone', () => {
    const gone = image('lhbp-gone0001', 'g-w0', 28)
    expect(date(copyOf('lhbp-cpy00002', gone, 1))).toEqual({ known: true, builtAt: gone.createdAt })
  })

  test('an old mark (no time) by its source while it exists, and not once it is gone', () => {
    expect(date(copyOf('lhbp-cpy00003', w2, 0, true))).toEqual({
      known: true,
      builtAt: w2.createdAt
    })
    const gone = image('lhbp-gone0001', 'g-w0', 28)
    const dating = date(copyOf('lhbp-cpy00004', gone, 0, true))
    expect(dating).toMatchObject({
      known: false,
      why: 'its mark names lhbp-gone0001 in ap-guangzhou, which is not there any more, and no build time'
    })
    expect(dating.known || dating.settle).toContain(
      'tccli lighthouse DeleteBlueprints --region ap-shanghai --BlueprintIds \'["lhbp-cpy00004"]\''
    )
  })

  test('an unmarked image outside the build region is unknown, with the mark that settles it', () => {
    const dating = date(image('lhbp-unmark01', 'g-w2', 0))
    expect(dating).toMatchObject({ known: false })
    expect(dating.known || dating.settle).toContain(
      `--BlueprintId lhbp-unmark01 --Description "${copyMarker(w2.id, SOURCE, w2.createdAt)}"`
    )
  })

  test('a mark that disagrees with its source is no evidence', () => {
    const wrong = image('lhbp-cpy00005', 'g-w1', 0, {
      description: copyMarker(w1.id, SOURCE, w1.createdAt + DAY)
    })
    expect(date(wrong)).toMatchObject({ known: false })
  })

  test.each([
    ['0', 'its CreatedTime "0" is not a time in the documented form YYYY-MM-DDThh:mm:ssZ'],
    ['', 'the API gives it no CreatedTime']
  ])('a build whose CreatedTime is %j is unknown, and says so', (createdTime, why) => {
    const odd = image('lhbp-oddtime1', 'g-w3', 0, { createdAt: NaN, createdTime })
    expect(date(odd, SOURCE)).toMatchObject({ known: false, why })
  })

  test('only own custom images named like the family, not failed ones, are versions', () => {
    const images = [
      w1,
      image('lhbp-shared01', 'g-w9', 0, { type: 'SHARED' }),
      image('lhbp-faild001', 'g-w0', 60, { state: 'CREATEFAILED' }),
      image('lhbp-other001', 'h-w0', 60)
    ]
    expect(familyImages(images, SOURCE, 'g-*', builds).map((v) => v.image.id)).toEqual([w1.id])
  })
})

describe('planRegion', () => {
  const weeks = [5, 4, 3, 2, 1].map((week) =>
    image(`lhbp-week000${week}`, `g-w${week}`, 7 * (6 - week))
  )
  const builds = buildRegion(SOURCE, weeks)
  const dated = (images: Blueprint[], region = SOURCE): FamilyImage[] =>
    images.map((b) => ({ image: b, dating: dateImage(b, region, builds) }))
  const plan = (
    images: FamilyImage[],
    current: Blueprint,
    rule: Omit<FamilyRule, 'pattern'>,
    buildTimes = weeks.map((w) => w.createdAt),
    currentBuilt = current.createdAt
  ) =>
    planRegion(
      images,
      { currentId: current.id, currentBuilt, buildTimes },
      rulesOf({ pattern: 'g-*', ...rule })
    ).map((v) => [v.image.id, v.fate])

  test('keep-shared and keep-images count from the newest; only older versions change', () => {
    expect(plan(dated(weeks), weeks[0], { keepShared: 2, keepImages: 3 })).toEqual([
      ['lhbp-week0005', 'current'],
      ['lhbp-week0004', 'kept-shared'],
      ['lhbp-week0003', 'retire'],
      ['lhbp-week0002', 'delete'],
      ['lhbp-week0001', 'delete']
    ])
  })

  test('an older build shared again: newer ones count, and are never touched', () => {
    expect(plan(dated(weeks), weeks[3], { keepShared: 1, keepImages: 1 })).toEqual([
      ['lhbp-week0005', 'newer'],
      ['lhbp-week0004', 'newer'],
      ['lhbp-week0003', 'newer'],
      ['lhbp-week0002', 'current'],
      ['lhbp-week0001', 'delete']
    ])
  })

  test('without rules every older version keeps its shares (to be offboarded only)', () => {
    expect(plan(dated(weeks), weeks[0], {}).slice(1)).toEqual(
      weeks.slice(1).map((w) => [w.id, 'kept-shared'])
    )
  })

  test('copies rank by build, whatever order they were copied in (week 1 re-run after week 2)', () => {
    const [w5, , w3, w2, w1] = weeks
    const copies = [
      copyOf('lhbp-cpyweek1', w1, 1),
      copyOf('lhbp-cpyweek2', w2, 10),
      copyOf('lhbp-cpyweek3', w3, 0)
    ]
    expect(
      plan(
        dated(copies, COPIES),
        copies[2],
        { keepShared: 2, keepImages: 2 },
        [w3.createdAt, w2.createdAt, w1.createdAt],
        w3.createdAt
      )
    ).toEqual([
      ['lhbp-cpyweek3', 'current'],
      ['lhbp-cpyweek2', 'kept-shared'],
      ['lhbp-cpyweek1', 'delete']
    ])
    // Builds found in other regions count for keep-shared (the regions agree), not for keep-images.
    expect(
      plan(
        dated([copies[0], copies[2]], COPIES),
        copies[2],
        { keepShared: 2, keepImages: 2 },
        [w5.createdAt, w3.createdAt, w2.createdAt, w1.createdAt],
        w3.createdAt
      ).map(([, fate]) => fate)
    ).toEqual(['current', 'retire'])
  })

  test('an image that cannot be dated is unknown, listed last, and never retired or deleted', () => {
    const odd = image('lhbp-oddtime1', 'g-w0', 90, { createdAt: NaN, createdTime: '0' })
    const planned = plan(dated([odd, ...weeks]), weeks[0], { keepShared: 1, keepImages: 1 })
    expect(planned.at(-1)).toEqual([odd.id, 'unknown'])
  })

  test('builds at the same second rank together: both are kept', () => {
    const twin = image('lhbp-twinweek', 'g-w4b', 14)
    expect(plan(dated([...weeks, twin]), weeks[0], { keepShared: 2 }).slice(0, 3)).toEqual([
      ['lhbp-week0005', 'current'],
      ['lhbp-week0004', 'kept-shared'],
      ['lhbp-twinweek', 'kept-shared']
    ])
  })

  test('when the image itself cannot be dated, nothing is ranked against it', () => {
    const odd = { ...weeks[0], createdAt: NaN, createdTime: '0' }
    const planned = planRegion(
      dated([odd, ...weeks.slice(1)]),
      { currentId: odd.id, currentBuilt: NaN, buildTimes: [] },
      rulesOf({ pattern: 'g-*', keepShared: 1, keepImages: 1 })
    )
    expect(planned.map((v) => v.fate)).toEqual([
      'current',
      'unknown',
      'unknown',
      'unknown',
      'unknown'
    ])
  })
})

describe('the family inputs', () => {
  const inputs =
    (values: Record<string, string>): GetInput =>
    (name) =>
      values[name] ?? ''
  const read = (values: Record<string, string>) =>
    readShareInputs(
      inputs({ 'account-ids': '700000164995', region: 'ap-guangzhou', ...values }),
      {},
      jest.fn()
    )

  test('by name, with a family and what to keep', () => {
    const read1 = read({
      'blueprint-name': 'golden-ubuntu-w49',
      family: 'golden-ubuntu-*',
      'keep-shared': '2',
      'keep-images': '5'
    })
    expect(read1).toMatchObject({
      blueprintId: '',
      blueprintName: 'golden-ubuntu-w49',
      family: { pattern: 'golden-ubuntu-*', keepShared: 2, keepImages: 5 }
    })
  })

  test.each([
    [{}, 'Input "blueprint-id" is required (or "blueprint-name"'],
    [
      { 'blueprint-name': 'x'.repeat(61) },
      'Input "blueprint-name" is longer than an image name can be (60'
    ],
    [{ 'blueprint-id': 'lhbp-6jc6l8yb', 'keep-shared': '2' }, 'Input "keep-shared" needs "family"'],
    [
      { 'blueprint-id': 'lhbp-6jc6l8yb', family: 'g-*', 'keep-shared': '0' },
      'Input "keep-shared" must be a whole number of versions, at least 1, not "0"'
    ],
    [
      { 'blueprint-id': 'lhbp-6jc6l8yb', family: 'g-*', 'keep-images': 'five' },
      'Input "keep-images" must be a whole number'
    ],
    [
      { 'blueprint-name': 'h-1', family: 'g-*' },
      'Input "blueprint-name" is "h-1", which does not match "family" ("g-*")'
    ],
    [
      { 'blueprint-id': 'lhbp-6jc6l8yb', family: '**', 'keep-shared': '1' },
      'Input "family" is "**", which matches every image'
    ]
  ])('refuses %j', (values, message) => {
    expect(() => read(values)).toThrow(message)
  })
})
