/**
 * Reading a paged list so that it can be acted on. Pages are asked for by
 * offset, so an item added or removed while they are read shifts the next
 * page: one item is read twice, or one is missed. A list is taken only when
 * its items, each counted once, are exactly as many as every page's total;
 * otherwise it is read again, a few times, and then refused.
 */

export interface Page<T> {
  items: T[]
  total: number
}

/** How many times a list is read before it is refused as changing. */
export const LIST_READS = 3

/** A list that kept changing while it was read: nothing that depends on it may be done. */
export class ShiftingListError extends Error {
  override name = 'ShiftingListError'
  constructor(
    readonly action: string,
    readonly read: number,
    readonly total: number
  ) {
    super(
      `${action}: the list changed while it was read (${read} distinct item(s) read of the ${total} it ` +
        `says it has, ${LIST_READS} times), so nothing that depends on it is done; run the step again.`
    )
  }
}

/**
 * Every page: the first says the total, the rest are asked for together (the
 * rate limiter keeps them under the API's rate). Items are told apart by
 * `key`; the first of two with the same key is kept.
 */
export async function readAllPages<T>(
  action: string,
  pageSize: number,
  page: (offset: number) => Promise<Page<T>>,
  key: (item: T) => string
): Promise<T[]> {
  let last = { read: 0, total: 0 }
  for (let attempt = 1; attempt <= LIST_READS; attempt++) {
    const first = await page(0)
    const offsets: number[] = []
    for (let offset = pageSize; offset < first.total; offset += pageSize) offsets.push(offset)
    const pages = [first, ...(await Promise.all(offsets.map(page)))]
    const items = new Map<string, T>()
    for (const item of pages.flatMap((p) => p.items)) {
      if (!items.has(key(item))) items.set(key(item), item)
    }
    if (pages.every((p) => p.total === first.total) && items.size === first.total) {
      return [...items.values()]
    }
    last = { read: items.size, total: first.total }
  }
  throw new ShiftingListError(action, last.read, last.total)
}
