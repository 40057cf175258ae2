/** The family rules: name patterns, the newest by name, and each version's fate. */
import { describe, expect, jest, test } from '@jest/globals'
import type { Blueprint } from '../src/cloud/lighthouse.js'
import { inFamily, newestNamed, planFamily, versionTimes } from '../src/sharing/family.js'
import { readShareInputs, type GetInput } from '../src/action/inputs.js'

const DAY = 86_400_000
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
  createdAt: Date.UTC(2026, 11, 1) - daysAgo * DAY,
  createdTime: new Date(Date.UTC(2026, 11, 1) - daysAgo * DAY).toISOString(),
  ...more
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
  test('exact name only, newest by CreatedTime, failed ones left out, syncing ones in', () => {
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

describe('planFamily', () => {
  const v = [5, 4, 3, 2, 1].map((week) =>
    image(`lhbp-week000${week}`, `g-w${week}`, 7 * (6 - week))
  )
  const fates = (versions: ReturnType<typeof planFamily>) =>
    versions.map((x) => [x.image.id, x.fate])
  const own = (b: Blueprint) => b.createdAt

  test('keep-shared and keep-images count from the newest; only older versions change', () => {
    const plan = planFamily(
      v,
      { pattern: 'g-*', keepShared: 2, keepImages: 3 },
      v[0],
      own,
      v[0].createdAt
    )
    expect(fates(plan)).toEqual([
      ['lhbp-week0005', 'current'],
      ['lhbp-week0004', 'kept-shared'],
      ['lhbp-week0003', 'retire'],
      ['lhbp-week0002', 'delete'],
      ['lhbp-week0001', 'delete']
    ])
  })

  test('an older build shared again: newer ones count, and are never touched', () => {
    const plan = planFamily(
      v,
      { pattern: 'g-*', keepShared: 1, keepImages: 1 },
      v[3],
      own,
      v[3].createdAt
    )
    expect(fates(plan)).toEqual([
      ['lhbp-week0005', 'newer'],
      ['lhbp-week0004', 'newer'],
      ['lhbp-week0003', 'newer'],
      ['lhbp-week0002', 'current'],
      ['lhbp-week0001', 'delete']
    ])
  })

  test('failed images, other names and undated ones are no versions to change', () => {
    const images = [
      ...v,
      image('lhbp-faild001', 'g-w0', 60, { state: 'CREATEFAILED' }),
      image('lhbp-other001', 'h-w0', 60),
      image('lhbp-nodate01', 'g-w9', 0, { createdAt: NaN })
    ]
    const plan = planFamily(images, { pattern: 'g-*', keepShared: 1 }, v[0], own, v[0].createdAt)
    expect(fates(plan).map(([id]) => id)).not.toContain('lhbp-faild001')
    expect(fates(plan).map(([id]) => id)).not.toContain('lhbp-other001')
    expect(plan.find((x) => x.image.id === 'lhbp-nodate01')?.fate).toBe('undated')
  })

  test('a copy is dated by its source: a copy made today of an old build is an old version', () => {
    const source = [image('lhbp-srcold01', 'g-w1', 30), image('lhbp-srcnew01', 'g-w2', 7)]
    const time = versionTimes(source)
    const copies = [
      image('lhbp-cpyold01', 'g-w1', 0, { description: 'Copy of lhbp-srcold01 from ap-guangzhou' }),
      image('lhbp-cpynew01', 'g-w2', 5, { description: 'Copy of lhbp-srcnew01 from ap-guangzhou' }),
      image('lhbp-unknown1', 'g-w3', 1, { description: 'Copy of lhbp-gone0001 from ap-guangzhou' })
    ]
    expect(time(copies[0])).toBe(source[0].createdAt)
    const plan = planFamily(
      copies,
      { pattern: 'g-*', keepShared: 1 },
      copies[1],
      time,
      source[1].createdAt
    )
    expect(fates(plan)).toEqual([
      ['lhbp-cpynew01', 'current'],
      ['lhbp-cpyold01', 'retire'],
      // Its source is not in the source region: it cannot be dated, so it is left alone.
      ['lhbp-unknown1', 'undated']
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
    ]
  ])('refuses %j', (values, message) => {
    expect(() => read(values)).toThrow(message)
  })
})
