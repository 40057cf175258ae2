/** What a run changes: from the current shares and what is wanted, one plan. */
import { batches } from '../../common/batches.js'
import type { Wanted } from '../targets/target-source.js'

/** What a plan is made from: who should have the share, and who should not. */
export type WantedAccounts = Pick<Wanted, 'share' | 'revoke' | 'revokeUnlisted' | 'listed'>

/** Share and cancel calls take at most 10 accounts each. */
const MAX_ACCOUNTS_PER_CALL = 10

/** What a run changes, from the wanted accounts and the current shares. */
export interface SharePlan {
  /** Accounts to share with, in input order. */
  toShare: string[]
  /** Accounts in `share` that have it already. */
  alreadyShared: string[]
  /** Accounts to take the share from: listed ones first, then unlisted ones in the API's order. */
  toRevoke: string[]
  /** The part of toRevoke that is there for not being listed (revokeUnlisted). */
  unlisted: string[]
  /** Accounts in `revoke` that do not have it. */
  alreadyNotShared: string[]
}

/**
 * The plan from the wanted accounts and the current shares. When the shares
 * cannot be read (undefined), every listed account gets its call and the
 * API's answers tell which needed none; revokeUnlisted then cannot be planned.
 */
export function planChanges(
  request: WantedAccounts,
  currentlyShared: readonly string[] | undefined
): SharePlan {
  if (currentlyShared === undefined) {
    if (request.revokeUnlisted) throw new Error('revokeUnlisted needs the current shares.')
    return {
      toShare: [...request.share],
      alreadyShared: [],
      toRevoke: [...request.revoke],
      unlisted: [],
      alreadyNotShared: []
    }
  }
  const shared = new Set(currentlyShared)
  const listed = new Set(request.listed ?? request.share)
  const listedRevokes = request.revoke.filter((id) => shared.has(id))
  const unlisted = request.revokeUnlisted
    ? currentlyShared.filter((id) => !listed.has(id) && !listedRevokes.includes(id))
    : []
  return {
    toShare: request.share.filter((id) => !shared.has(id)),
    alreadyShared: request.share.filter((id) => shared.has(id)),
    toRevoke: [...listedRevokes, ...unlisted],
    unlisted,
    alreadyNotShared: request.revoke.filter((id) => !shared.has(id))
  }
}

/** The plan without the accounts that keep their share after all (not proven to have left). */
export function withoutRevokes(plan: SharePlan, kept: ReadonlySet<string>): SharePlan {
  return {
    ...plan,
    toRevoke: plan.toRevoke.filter((id) => !kept.has(id)),
    unlisted: plan.unlisted.filter((id) => !kept.has(id))
  }
}

/** The plan in one line: how many accounts each part has. */
export function planSummary(plan: SharePlan): string {
  return [
    `share with ${plan.toShare.length}`,
    `${plan.alreadyShared.length} already shared`,
    `revoke from ${plan.toRevoke.length}`,
    `${plan.alreadyNotShared.length} already not shared`
  ].join(', ')
}

/** The plan as a text table for the log: one account a line, in the order it is acted on. */
export function planTable(plan: SharePlan): string {
  const rows: [string, string][] = [
    ...plan.toShare.map((id): [string, string] => [id, 'share']),
    ...plan.alreadyShared.map((id): [string, string] => [id, 'already shared']),
    ...plan.toRevoke.map((id): [string, string] => [id, 'revoke']),
    ...plan.alreadyNotShared.map((id): [string, string] => [id, 'already not shared'])
  ]
  const width = Math.max('Account'.length, ...rows.map(([id]) => id.length))
  return [['Account', 'Plan'] as const, ...rows]
    .map(([id, what]) => `${id.padEnd(width)}  ${what}`)
    .join('\n')
}

/** The plan's accounts in calls of at most 10, as share and cancel calls take them. */
export function accountBatches(accounts: readonly string[]): string[][] {
  return batches(accounts, MAX_ACCOUNTS_PER_CALL)
}
