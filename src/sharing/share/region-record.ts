/**
 * What happened in a region, filled in as the run goes through named
 * methods, so a run that fails half-way still reports what it did: the
 * image's state, how its shares were found, each account's result and every
 * RequestId.
 */
import { kindOf } from '../../cloud/api-errors.js'
import type { Quota } from '../../cloud/lighthouse.js'
import { CHANGES, type ChangeName } from './change.js'

export type AccountResult =
  | 'shared'
  | 'already-shared'
  | 'revoked'
  | 'not-shared'
  | 'failed'
  /** A change call may have changed it, and no read could tell: counted as failed. */
  | 'unknown'
  | 'not-attempted'
  /** Not listed, but not proven to have left (an organization member the read may have missed): keeps the share. */
  | 'kept'

export interface AccountOutcome {
  accountId: string
  result: AccountResult
  requestId?: string
  /** For a failed account: the API error code, and whether it was being shared with or revoked from. */
  code?: string
  change?: ChangeName
  reason?: string
}

/**
 * The shares of the image as the API tells them: read with
 * DescribeBlueprintsShareAcrossAccountInfos, or, where the site does not
 * serve that read or CAM refuses it, unknown: the share calls' answers then
 * tell which accounts already have it.
 */
export type CurrentShares =
  | { readable: true; accounts: string[] }
  | { readable: false; code: string; requestId: string; kind: 'not-served' | 'denied' }

export type Unreadable = CurrentShares & { readable: false }

/** Results that fail the account: refused, failed, or not known to have worked. */
const FAILED: readonly AccountResult[] = ['failed', 'unknown']

/** How the shares were found, for the log and the summary. */
export function sharesFoundBy(shares: CurrentShares): string {
  if (shares.readable) return 'read with DescribeBlueprintsShareAcrossAccountInfos'
  const why =
    shares.kind === 'not-served'
      ? "this site's API does not serve DescribeBlueprintsShareAcrossAccountInfos"
      : 'the credentials may not call DescribeBlueprintsShareAcrossAccountInfos'
  return `not readable (${why}: ${shares.code}, RequestId ${shares.requestId || 'none'}); found from the share calls' answers`
}

/** How a region's image came to be: the source, a copy this run made or reused, or one a dry run would make. */
export type CopyOrigin = 'source' | 'made' | 'reused' | 'would-make'

/** Refused accounts named in the failure or warnings; the rest are in the summary and a log group. */
const REFUSALS_NAMED = 5

export interface RegionRecordOptions {
  /** The image there; '' where there is none (yet). */
  blueprintId: string
  region: string
  /** Who acts, for the summary: never a secret. */
  identity: string
  /** The accounts asked about, in order: each starts as not attempted. */
  accountIds: readonly string[]
  /** A dry run records what it would do: 'shared' and 'revoked' are then the plan. */
  dryRun: boolean
  origin?: CopyOrigin
  /** Where each wanted account came from ("account-ids", a unit); safe to print. */
  sources?: ReadonlyMap<string, string>
}

export class RegionRecord {
  readonly blueprintId: string
  readonly region: string
  readonly identity: string
  readonly dryRun: boolean
  readonly origin?: CopyOrigin
  readonly sources?: ReadonlyMap<string, string>
  private imageState = ''
  private imageMissing = false
  private shares?: CurrentShares
  private regionQuota?: Quota
  private copyMarked = false
  private readonly requests: string[] = []
  private readonly outcomes = new Map<string, AccountOutcome>()

  constructor(options: RegionRecordOptions) {
    this.blueprintId = options.blueprintId
    this.region = options.region
    this.identity = options.identity
    this.dryRun = options.dryRun
    this.origin = options.origin
    this.sources = options.sources
    for (const accountId of options.accountIds) {
      this.outcomes.set(accountId, { accountId, result: 'not-attempted' })
    }
  }

  /** The image's state as last read. */
  recordState(state: string): void {
    this.imageState = state
  }

  /** The region has no image of this ID: no output names it. */
  recordMissing(): void {
    this.imageMissing = true
  }

  recordShares(shares: CurrentShares): void {
    this.shares = shares
  }

  /** The region's custom-image quota, as read before copying there. */
  recordQuota(quota: Quota | undefined): void {
    this.regionQuota ??= quota
  }

  /** A new image a dry run would make (a copy, a blueprint) has no shares: every account would get it, none lose it. */
  recordPlannedNewImage(share: readonly string[], revoke: readonly string[]): void {
    this.record(share, 'shared')
    this.record(revoke, 'not-shared')
  }

  /** The copy's mark was written (in a dry run: would be), or may have been. */
  recordMark(): void {
    this.copyMarked = true
  }

  recordRequestId(requestId: string): void {
    this.requests.push(requestId)
  }

  record(
    accountIds: readonly string[],
    result: AccountResult,
    details: Omit<AccountOutcome, 'accountId' | 'result'> = {}
  ): void {
    for (const accountId of accountIds) {
      this.outcomes.set(accountId, { accountId, result, ...details })
    }
  }

  /**
   * The region failed: every requested account it had not settled (still
   * "not attempted") failed there, for that reason, so none goes missing from
   * failed-account-ids. Accounts already read or changed keep their result.
   */
  failRemaining(reason: string, revokeAccountIds: readonly string[]): void {
    for (const outcome of this.outcomes.values()) {
      if (outcome.result !== 'not-attempted') continue
      this.record([outcome.accountId], 'failed', {
        change: revokeAccountIds.includes(outcome.accountId) ? 'revoke' : 'share',
        reason: `Not done in ${this.region}: ${reason}`
      })
    }
  }

  get state(): string {
    return this.imageState
  }

  get missing(): boolean {
    return this.imageMissing
  }

  /** The shares as read, or why they could not be; undefined until they were. */
  get currentShares(): CurrentShares | undefined {
    return this.shares
  }

  get quota(): Quota | undefined {
    return this.regionQuota
  }

  get marked(): boolean {
    return this.copyMarked
  }

  /** RequestIds of the share and cancel calls, in order. */
  get requestIds(): readonly string[] {
    return this.requests
  }

  /** How the current shares were found, for the summary; undefined until they were. */
  get sharesFoundBy(): string | undefined {
    return this.shares && sharesFoundBy(this.shares)
  }

  /** The shares could not be read: a dry run's "would share" may be an account that has it. */
  get sharesUnknown(): boolean {
    return this.shares?.readable === false
  }

  get accounts(): AccountOutcome[] {
    return [...this.outcomes.values()]
  }

  /** Accounts that did not end as asked: refused, failed, or not known to have worked. */
  get failures(): AccountOutcome[] {
    return this.accounts.filter((a) => FAILED.includes(a.result))
  }

  accountsWith(result: AccountResult): string[] {
    return this.accounts.filter((a) => a.result === result).map((a) => a.accountId)
  }

  /** Accounts the API refused as such, each with a line: the ID, the code, the hint and the RequestId. */
  get refusals(): { change: ChangeName; line: string }[] {
    return this.accounts
      .filter((a) => a.result === 'failed' && kindOf('lighthouse', a.code ?? '') === 'per-account')
      .map((a) => ({
        change: a.change ?? 'share',
        line:
          `${a.accountId}: ${[a.code, a.reason].filter(Boolean).join(': ')}` +
          (a.requestId ? ` (RequestId ${a.requestId})` : '')
      }))
  }

  /**
   * The failure that refused accounts make: a heading, then one line for each
   * of the first few accounts, so the annotation stays short however many.
   */
  refusalMessage(): string | undefined {
    const refusals = this.refusals
    if (refusals.length === 0) return undefined
    const changes = [...new Set(refusals.map((r) => r.change))]
    const what =
      changes.length > 1
        ? `share ${this.blueprintId} with, or revoke it from,`
        : CHANGES[changes[0]].couldNot(this.blueprintId)
    const heading = `Could not ${what} ${refusals.length} of ${this.accounts.length} account(s):`
    return [
      heading,
      ...refusals.slice(0, REFUSALS_NAMED).map((r) => r.line),
      ...moreRefusals(refusals.length)
    ].join('\n')
  }
}

/** The line that says how many refused accounts a short message leaves out, and where they all are. */
export function moreRefusals(count: number): string[] {
  return count > REFUSALS_NAMED
    ? [
        `… and ${count - REFUSALS_NAMED} more: see the job summary, or the log group "Refused accounts".`
      ]
    : []
}

/** The refused accounts named one by one in warnings, before moreRefusals says the rest. */
export function namedRefusals<T>(refusals: readonly T[]): readonly T[] {
  return refusals.slice(0, REFUSALS_NAMED)
}
