/** Which requested accounts still need the share, and how to batch them. */

/** ShareBlueprintAcrossAccounts takes at most 10 accounts a call. */
export const MAX_ACCOUNTS_PER_SHARE = 10

export interface SharePlan {
  /** Requested accounts that do not have the share yet, in input order. */
  toShare: string[]
  /** Requested accounts that already have it: nothing to do. */
  alreadyShared: string[]
}

export function planShare(
  requested: readonly string[],
  currentlyShared: Iterable<string>
): SharePlan {
  const shared = new Set(currentlyShared)
  return {
    toShare: requested.filter((id) => !shared.has(id)),
    alreadyShared: requested.filter((id) => shared.has(id))
  }
}

export function batches<T>(items: readonly T[], size = MAX_ACCOUNTS_PER_SHARE): T[][] {
  const result: T[][] = []
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size))
  }
  return result
}
