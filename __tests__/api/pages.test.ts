/** Paged lists taken only when consistent: each item once, as many as every page's total. */
import { describe, expect, test } from '@jest/globals'
import { LIST_READS, ShiftingListError, readAllPages, type Page } from '../../src/cloud/pages.js'

/** A list of IDs served 2 a page; `change` runs before each page is served (the world moving). */
function pager(ids: string[], change: (offset: number, read: number) => void = () => undefined) {
  let reads = 0
  const calls: number[] = []
  const page = (offset: number): Promise<Page<string>> => {
    if (offset === 0) reads += 1
    calls.push(offset)
    change(offset, reads)
    return Promise.resolve({ items: ids.slice(offset, offset + 2), total: ids.length })
  }
  return { page, calls, reads: () => reads }
}
const read = (page: (offset: number) => Promise<Page<string>>) =>
  readAllPages('DescribeThings', 2, page, (id) => id)

describe('readAllPages', () => {
  test('reads every page once when nothing moves', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e']
    const { page, calls } = pager(ids)
    await expect(read(page)).resolves.toEqual(ids)
    expect(calls).toEqual([0, 2, 4])
  })

  test('an item added while paging (one read twice, the total moved) makes it read again', async () => {
    const ids = ['c', 'd', 'e', 'f']
    const { page, reads } = pager(ids, (offset, n) => {
      if (n === 1 && offset === 2) ids.unshift('new')
    })
    await expect(read(page)).resolves.toEqual(['new', 'c', 'd', 'e', 'f'])
    expect(reads()).toBe(2)
  })

  test('an item removed while paging (one skipped, the total moved) makes it read again', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e']
    const { page, reads } = pager(ids, (offset, n) => {
      if (n === 1 && offset === 2) ids.splice(0, 1)
    })
    await expect(read(page)).resolves.toEqual(['b', 'c', 'd', 'e'])
    expect(reads()).toBe(2)
  })

  test('pages that agree in total but repeat an item are read again', async () => {
    let reads = 0
    const page = (offset: number): Promise<Page<string>> => {
      if (offset === 0) reads += 1
      const items =
        reads === 1 ? (offset === 0 ? ['a', 'b'] : ['b']) : offset === 0 ? ['a', 'b'] : ['c']
      return Promise.resolve({ items, total: 3 })
    }
    await expect(read(page)).resolves.toEqual(['a', 'b', 'c'])
    expect(reads).toBe(2)
  })

  test(`refuses a list that never agrees after ${LIST_READS} reads, saying so`, async () => {
    const ids = ['a', 'b', 'c']
    const { page, reads } = pager(ids, (offset) => {
      if (offset === 2) ids.unshift(`x${ids.length}`)
    })
    const error = await read(page).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ShiftingListError)
    expect((error as Error).message).toMatch(
      /^DescribeThings: the list changed while it was read \(\d+ distinct item\(s\) read of the \d+ it says it has, 3 times\)/
    )
    expect(reads()).toBe(LIST_READS)
  })
})
