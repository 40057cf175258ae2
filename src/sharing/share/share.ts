/** Bringing one image's shares to what is wanted: wait for the image, read the shares, plan, share, then revoke. */
import { ApiError } from '../../cloud/api-errors.js'
import type { Blueprint, LighthouseApi } from '../../cloud/lighthouse.js'
import type { Logger } from '../../common/logger.js'
import type { Wanted } from '../targets/target-source.js'
import { waitForNormal, type WaitSchedule } from '../wait.js'
import { applyBatch, type BatchContext, type BatchDeps } from './batches.js'
import { REVOKE, SHARE } from './change.js'
import {
  accountBatches,
  planChanges,
  planSummary,
  planTable,
  withoutRevokes,
  type SharePlan
} from './plan.js'
import type { CurrentShares, RegionRecord, Unreadable } from './region-record.js'

export interface ShareDeps extends BatchDeps {
  waitSchedule?: WaitSchedule
}

/** What shareBlueprint is asked to do. */
export interface ShareRequest {
  blueprintId: string
  region: string
  wanted: Wanted
  /** Read and plan, but change nothing. */
  dryRun: boolean
  /** How long to wait for the image to become NORMAL; 0: not at all. */
  waitTimeoutSeconds: number
}

/** Waits until the record's image is NORMAL (or `deadline`), keeping the record's state current. */
export function waitForRecordedImage(
  deps: Pick<ShareDeps, 'api' | 'clock' | 'log' | 'waitSchedule'>,
  record: RegionRecord,
  deadline: number
): Promise<Blueprint> {
  return waitForNormal(deps.api, {
    blueprintId: record.blueprintId,
    region: record.region,
    deadline,
    clock: deps.clock,
    log: deps.log,
    onState: (state) => record.recordState(state),
    onMissing: () => record.recordMissing(),
    schedule: deps.waitSchedule
  })
}

/** Reads the shares; a read the site does not serve, or may not be made, is not an error, only unknown shares. */
export async function readCurrentShares(
  api: LighthouseApi,
  blueprintId: string
): Promise<CurrentShares> {
  try {
    return { readable: true, accounts: await api.listSharedAccounts(blueprintId) }
  } catch (error) {
    if (error instanceof ApiError && (error.kind === 'not-served' || error.kind === 'denied')) {
      return { readable: false, code: error.code, requestId: error.requestId, kind: error.kind }
    }
    throw error
  }
}

/** revoke-unlisted cannot work without the share list: nothing is changed in the region, older versions included. */
export class UnlistedNeedsListError extends Error {
  override name = 'UnlistedNeedsListError'
}

/** revoke-unlisted cannot work without the share list: say why, and what would allow it. */
export function unlistedNeedsTheList(
  shares: Unreadable,
  /** What the refusal left as it was: everything, unless the run changed something before (a copy made). */
  unchanged = 'Nothing was changed.'
): UnlistedNeedsListError {
  const allow =
    shares.kind === 'not-served'
      ? "The endpoint's API does not serve that read (the international site's spec does not list it, the China " +
        "site's does): try endpoint lighthouse.tencentcloudapi.com, where the account can use it."
      : 'Allow lighthouse:DescribeBlueprintsShareAcrossAccountInfos in the CAM policy of these credentials.'
  return new UnlistedNeedsListError(
    `Input "revoke-unlisted" needs the current share list, and it cannot be read: ` +
      `DescribeBlueprintsShareAcrossAccountInfos answered ${shares.code} (RequestId ${shares.requestId || 'none'}). ` +
      `${unchanged} ${allow} Or name the accounts to take the share from in "revoke-account-ids".`
  )
}

/** What the caller already knows, so nothing is read twice; and what to do before the plan. */
export interface Prepared {
  /** The image as just read in NORMAL. */
  image?: Blueprint
  /** The shares as just read. */
  shares?: CurrentShares
  /** Runs once the image is NORMAL, before its shares are read (e.g. to mark a copy). */
  beforePlan?: (image: Blueprint) => Promise<void>
  /** What a refusal before any share call leaves unchanged, where the run changed things before. */
  unchanged?: string
}

/**
 * Brings the share list to what is wanted. Accounts the API refuses one by
 * one are recorded as failed and the others still change; any other failure
 * is thrown.
 */
export async function shareBlueprint(
  deps: ShareDeps,
  request: ShareRequest,
  record: RegionRecord,
  prepared: Prepared = {}
): Promise<void> {
  const { api, clock, log } = deps
  const { blueprintId, wanted } = request
  // One deadline: an image that leaves NORMAL before a share is waited for again within it.
  const deadline = clock.now() + request.waitTimeoutSeconds * 1000
  const waitForImage = () => waitForRecordedImage(deps, record, deadline)

  if (prepared.image) record.recordState(prepared.image.state)
  const blueprint = prepared.image ?? (await waitForImage())
  log.info(
    `Blueprint ${blueprintId} (${blueprint.name || 'no name'}) is a custom image in state NORMAL.`
  )
  await prepared.beforePlan?.(blueprint)

  const shares = prepared.shares ?? (await readCurrentShares(api, blueprintId))
  record.recordShares(shares)
  if (!shares.readable) {
    if (wanted.revokeUnlisted) throw unlistedNeedsTheList(shares, prepared.unchanged)
    log.info(
      `The current shares cannot be read here (${shares.code}): every listed account gets its call, ` +
        "and the API's answers tell which already were as asked."
    )
  }
  const planned = planChanges(wanted, shares.readable ? shares.accounts : undefined)
  const { plan, unchecked } = await keepUnproven(planned, record, wanted, log)
  await applyPlan(deps, request, record, plan, { waitForImage, readable: shares.readable })
  if (unchecked.length > 0) {
    throw new Error(
      `Could not check whether ${unchecked.length} account(s) not listed left, so they keep the share of ` +
        `${blueprintId}: ${unchecked.map((a) => `${a.accountId} (${a.why})`).join('; ')}`
    )
  }
}

/** Carries the plan out: records what needs no change, logs the plan, then shares, then revokes. */
async function applyPlan(
  deps: ShareDeps,
  request: ShareRequest,
  record: RegionRecord,
  plan: SharePlan,
  context: Pick<BatchContext, 'waitForImage' | 'readable'>
): Promise<void> {
  const { info, group } = deps.log
  const { blueprintId } = request
  record.record(plan.alreadyShared, 'already-shared')
  record.record(plan.alreadyNotShared, 'not-shared')
  // One line per account: folded, so 500 accounts do not bury the rest of the log.
  await group(`${request.dryRun ? 'Dry run: the plan' : 'Plan'}: ${planSummary(plan)}`, () =>
    info(planTable(plan))
  )
  if (plan.toShare.length === 0 && plan.toRevoke.length === 0) {
    info('Nothing to change: every account already is as asked.')
    return
  }
  if (request.dryRun) {
    record.record(plan.toShare, 'shared')
    record.record(plan.toRevoke, 'revoked')
    return
  }
  const title = `Share calls for ${plan.toShare.length} account(s), cancel calls for ${plan.toRevoke.length}`
  await group(title, async () => {
    // Share first: an image that must reach a new account never lapses because a revoke failed.
    for (const [change, accounts] of [
      [SHARE, plan.toShare],
      [REVOKE, plan.toRevoke]
    ] as const) {
      for (const batch of accountBatches(accounts)) {
        await applyBatch({ deps, change, blueprintId, record, ...context }, batch)
      }
    }
  })
}

/**
 * An account loses a share for not being listed only on proof that it left
 * (an organization read that shifted is no proof): the others keep theirs,
 * recorded as kept, with why; one whose lookup failed fails.
 */
async function keepUnproven(
  plan: SharePlan,
  record: RegionRecord,
  wanted: Wanted,
  log: Logger
): Promise<{ plan: SharePlan; unchecked: { accountId: string; why: string }[] }> {
  if (!wanted.proveUnlisted || plan.unlisted.length === 0) return { plan, unchecked: [] }
  const unproven = await wanted.proveUnlisted(plan.unlisted)
  const members = [...unproven].filter(([, u]) => !u.unchecked)
  const unchecked = [...unproven]
    .filter(([, u]) => u.unchecked)
    .map(([accountId, u]) => ({ accountId, why: u.why }))
  for (const [accountId, { why }] of members) record.record([accountId], 'kept', { reason: why })
  for (const { accountId, why } of unchecked) {
    record.record([accountId], 'failed', { change: 'revoke', reason: why })
  }
  if (members.length > 0) {
    log.warning(
      `${members.length} account(s) not listed keep the share of ${record.blueprintId}: they are not proven ` +
        `to have left (${members
          .slice(0, 5)
          .map(([accountId]) => accountId)
          .join(', ')}${members.length > 5 ? ', …' : ''}). The summary says why for each.`
    )
  }
  return { plan: withoutRevokes(plan, new Set(unproven.keys())), unchecked }
}
