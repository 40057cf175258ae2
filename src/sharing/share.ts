/** Carrying out the plan: wait for the image, read the shares, share, then revoke. */
import { ApiError, TransportError, describeError, isPerAccountError } from '../cloud/api-errors.js'
import type { Blueprint, LighthouseApi } from '../cloud/lighthouse.js'
import {
  accountBatches,
  planChanges,
  planSummary,
  planTable,
  withoutRevokes,
  type SharePlan
} from './plan.js'
import { SHARE, REVOKE, type Change } from './change.js'
import type { AccountResult, CurrentShares, ShareReport } from './share-report.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import { backoffDelay, retrying, type NextAttempt, type RetryPolicy } from '../cloud/retry.js'
import { waitForNormal, type WaitSchedule } from './wait.js'

/** Why an account not listed keeps its share: it is still a member, or the lookup that would prove it left failed. */
export interface Unproven {
  why: string
  /** The lookup failed: the account fails (the step cannot do what was asked), rather than being kept as a member. */
  unchecked: boolean
}

/**
 * Of the accounts about to lose a share for not being listed, the ones not
 * proven to have left: they keep it. Absent when every listed account is in
 * the inputs, where not being listed is proof enough.
 */
export type ProveUnlisted = (
  accountIds: readonly string[]
) => Promise<ReadonlyMap<string, Unproven>>

export interface ShareDeps {
  api: LighthouseApi
  clock: Clock
  random: () => number
  policy: RetryPolicy
  log: Logger
  waitSchedule?: WaitSchedule
  proveUnlisted?: ProveUnlisted
}

/** What shareBlueprint is asked to do, as the inputs say it. */
export interface ShareRequest {
  blueprintId: string
  region: string
  /** Accounts that should have the share. */
  accountIds: string[]
  /** Accounts that should not. */
  revokeAccountIds: string[]
  /** Take the share from every account not listed. */
  revokeUnlisted: boolean
  /** With revokeUnlisted, the accounts that keep their share; accountIds when absent. */
  listed?: string[]
  /** Read and plan, but change nothing. */
  dryRun: boolean
  /** How long to wait for the image to become NORMAL; 0: not at all. */
  waitTimeoutSeconds: number
}

/** Waits until the report's image is NORMAL (or `deadline`), keeping the report's state current. */
export function waitForReportedImage(
  deps: Pick<ShareDeps, 'api' | 'clock' | 'log' | 'waitSchedule'>,
  report: ShareReport,
  deadline: number
): Promise<Blueprint> {
  return waitForNormal(deps.api, {
    blueprintId: report.blueprintId,
    region: report.region,
    deadline,
    clock: deps.clock,
    log: deps.log,
    onState: (state) => (report.blueprintState = state),
    onMissing: () => (report.missing = true),
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
  shares: CurrentShares & { readable: false },
  /** What the refusal left as it was: everything, unless the run changed something before (a copy made). */
  unchanged = 'Nothing was changed.'
): UnlistedNeedsListError {
  const allow =
    shares.kind === 'not-served'
      ? "This site's API does not serve that read (the international site's spec does not list it); the China " +
        'site (endpoint lighthouse.tencentcloudapi.com) does.'
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
 * Brings the share list to what the request asks. Accounts the API refuses
 * one by one are recorded as failed in the report and the others still
 * change; any other failure is thrown.
 */
export async function shareBlueprint(
  deps: ShareDeps,
  request: ShareRequest,
  report: ShareReport,
  prepared: Prepared = {}
): Promise<void> {
  const { api, clock, log } = deps
  const { info } = log
  const show = report.show
  const { blueprintId } = request
  // One deadline: an image that leaves NORMAL before a share is waited for again within it.
  const deadline = clock.now() + request.waitTimeoutSeconds * 1000
  const waitForImage = () => waitForReportedImage(deps, report, deadline)

  if (prepared.image) report.blueprintState = prepared.image.state
  const blueprint = prepared.image ?? (await waitForImage())
  info(
    `Blueprint ${blueprintId} (${blueprint.name || 'no name'}) is a custom image in state NORMAL.`
  )
  await prepared.beforePlan?.(blueprint)

  const shares = prepared.shares ?? (await readCurrentShares(api, blueprintId))
  report.currentShares = shares
  if (!shares.readable) {
    if (request.revokeUnlisted) throw unlistedNeedsTheList(shares, prepared.unchanged)
    info(
      `The current shares cannot be read here (${shares.code}): every listed account gets its call, ` +
        "and the API's answers tell which already were as asked."
    )
  }
  const planned = planChanges(
    {
      share: request.accountIds,
      revoke: request.revokeAccountIds,
      revokeUnlisted: request.revokeUnlisted,
      listed: request.listed
    },
    shares.readable ? shares.accounts : undefined
  )
  const { plan, unchecked } = await keepUnproven(planned, report, deps)
  await applyPlan(deps, request, report, plan, { waitForImage, readable: shares.readable })
  if (unchecked.length > 0) {
    throw new Error(
      `Could not check whether ${unchecked.length} account(s) not listed left, so they keep the share of ` +
        `${blueprintId}: ${unchecked.map((a) => `${show(a.accountId)} (${a.why})`).join('; ')}`
    )
  }
}

/** Carries the plan out: records what needs no change, logs the plan, then shares, then revokes. */
async function applyPlan(
  deps: ShareDeps,
  request: ShareRequest,
  report: ShareReport,
  plan: SharePlan,
  context: Pick<BatchContext, 'waitForImage' | 'readable'>
): Promise<void> {
  const { info, group } = deps.log
  const { blueprintId } = request
  report.record(plan.alreadyShared, 'already-shared')
  report.record(plan.alreadyNotShared, 'not-shared')
  // One line per account: folded, so 500 accounts do not bury the rest of the log.
  await group(`${request.dryRun ? 'Dry run: the plan' : 'Plan'}: ${planSummary(plan)}`, () =>
    info(planTable(plan, report.show))
  )

  if (plan.toShare.length === 0 && plan.toRevoke.length === 0) {
    info('Nothing to change: every account already is as asked.')
    return
  }
  if (request.dryRun) {
    report.record(plan.toShare, 'shared')
    report.record(plan.toRevoke, 'revoked')
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
        await applyBatch({ deps, change, blueprintId, report, ...context }, batch, false)
      }
    }
  })
}

/**
 * An account loses a share for not being listed only on proof that it left
 * (an organization read that shifted is no proof): the others keep theirs,
 * recorded as kept, with why.
 */
async function keepUnproven(
  plan: SharePlan,
  report: ShareReport,
  deps: ShareDeps
): Promise<{ plan: SharePlan; unchecked: { accountId: string; why: string }[] }> {
  if (!deps.proveUnlisted || plan.unlisted.length === 0) return { plan, unchecked: [] }
  const unproven = await deps.proveUnlisted(plan.unlisted)
  const members = [...unproven].filter(([, u]) => !u.unchecked)
  const unchecked = [...unproven]
    .filter(([, u]) => u.unchecked)
    .map(([accountId, u]) => ({ accountId, why: u.why }))
  for (const [accountId, { why }] of members) report.record([accountId], 'kept', { reason: why })
  for (const { accountId, why } of unchecked) {
    report.record([accountId], 'failed', { change: 'revoke', reason: why })
  }
  if (members.length > 0) {
    deps.log.warning(
      `${members.length} account(s) not listed keep the share of ${report.blueprintId}: they are not proven ` +
        `to have left (${members
          .slice(0, 5)
          .map(([accountId]) => report.show(accountId))
          .join(', ')}${members.length > 5 ? ', …' : ''}). The summary says why for each.`
    )
  }
  return { plan: withoutRevokes(plan, new Set(unproven.keys())), unchecked }
}

/** What every batch of one change works with. */
interface BatchContext {
  deps: ShareDeps
  change: Change
  blueprintId: string
  report: ShareReport
  waitForImage: () => Promise<unknown>
  /** Whether the shares can be read; when not, the change calls' own answers settle each account. */
  readable: boolean
}

/** A batch the API's answer does not settle account by account: to be halved. */
interface Unclear {
  accounts: string[]
  /** A call for these accounts got no answer, so it may have changed them. */
  mayHaveChanged: boolean
}

/**
 * Applies a change to one batch; when the API refuses an account without
 * saying which (or, with no share read, says some account already is as
 * asked), halves the batch until it does.
 */
async function applyBatch(
  context: BatchContext,
  batch: readonly string[],
  mayHaveChanged: boolean
): Promise<void> {
  const unclear = await changeBatch(context, batch, mayHaveChanged)
  if (!unclear) return
  const half = Math.ceil(unclear.accounts.length / 2)
  await applyBatch(context, unclear.accounts.slice(0, half), unclear.mayHaveChanged)
  await applyBatch(context, unclear.accounts.slice(half), unclear.mayHaveChanged)
}

/**
 * Sends one change call for the batch until every account in it is settled,
 * and records each account in the report. Resolves to the accounts to split
 * when the API's answer does not say which account it is about; throws,
 * after recording every pending account as failed (or as unknown when a call
 * may have changed it), when the batch cannot be settled.
 */
async function changeBatch(
  context: BatchContext,
  batch: readonly string[],
  /** A call for a batch these accounts were in got no answer. */
  mayHaveChanged: boolean
): Promise<Unclear | undefined> {
  const { deps, change, blueprintId, report, waitForImage, readable } = context
  const { api, clock, random, policy } = deps
  const { info } = deps.log
  let pending = [...batch]
  let lostAnswers = 0
  let stateWaits = 0
  /** A call whose answer was lost may have changed the pending accounts, and nothing has told yet. */
  let unsettled = mayHaveChanged

  /** Reads where the pending accounts stand now; records those in place and keeps the rest pending. */
  const settle = async (result: AccountResult): Promise<number> => {
    const haveShare = new Set(await api.findSharedAccounts(blueprintId, pending))
    unsettled = false
    const inPlace = pending.filter((a) => change.inPlace(haveShare.has(a)))
    report.record(inPlace, result)
    pending = pending.filter((a) => !inPlace.includes(a))
    return inPlace.length
  }

  /** One change call for the accounts still pending (none left: a read settled them all). */
  const send = async (): Promise<void> => {
    if (pending.length === 0) return
    const requestId = await change.send(api, blueprintId, pending)
    report.requestIds.push(requestId)
    report.record(pending, change.done, { requestId })
    info(`${change.doneVerb} ${pending.map(report.show).join(', ')} (RequestId ${requestId})`)
  }

  /** After a failed change call: never blindly again, but after finding out where the accounts stand. */
  const next = (error: unknown): NextAttempt => {
    if (error instanceof ApiError && error.requestId) report.requestIds.push(error.requestId)
    if (error instanceof TransportError) {
      // The change may have been made even though the answer was lost: find out before trying again.
      unsettled = true
      lostAnswers += 1
      const lastTry = lostAnswers >= policy.maxAttempts
      const delay = backoffDelay(lostAnswers, policy, random)
      if (!readable) {
        // No read to check with: the same call again settles it, as its answer says whether it was made.
        if (lastTry) return 'give-up'
        info(
          `No answer to the ${change.name} call (${error.detail}); sending it again in ${delay} ms ` +
            `(an answer that it needs no change shows it was made).`
        )
        return { waitMs: delay }
      }
      info(
        `No answer to the ${change.name} call (${error.detail}); checking the shares in ${delay} ms` +
          (lastTry ? '.' : ' before trying again.')
      )
      return {
        waitMs: delay,
        before: async () => {
          await settle(change.done)
          if (lastTry && pending.length > 0) throw error
        }
      }
    }
    if (error instanceof ApiError && error.kind === change.noopKind && !readable) {
      // Some account of the call is already as asked, and only a call of one account tells which.
      if (pending.length > 1) return 'give-up'
      return {
        // After a lost answer, most likely the lost call did it; the answer cannot tell (see the README).
        before: () => {
          report.record(pending, unsettled ? change.done : change.noop, {
            requestId: error.requestId
          })
          info(
            `${report.show(pending[0])}: ${error.code}, so it ` +
              (unsettled
                ? 'was changed, most likely by the call whose answer was lost'
                : 'needed no change') +
              ` (RequestId ${error.requestId}).`
          )
          pending = []
          unsettled = false
          return Promise.resolve()
        }
      }
    }
    if (error instanceof ApiError && error.kind === change.noopKind) {
      // After a lost answer the change is most likely ours; otherwise someone else just made it.
      return {
        before: async () => {
          if ((await settle(lostAnswers > 0 ? change.done : change.noop)) === 0) throw error
        }
      }
    }
    if (
      error instanceof ApiError &&
      error.kind === 'image-state' &&
      stateWaits + 1 < policy.maxAttempts
    ) {
      stateWaits += 1
      info(`Blueprint ${blueprintId} left state NORMAL; waiting for it again.`)
      return { before: waitForImage }
    }
    return 'give-up'
  }

  try {
    await retrying(send, next, clock)
    return undefined
  } catch (error) {
    const someoneAsAsked = error instanceof ApiError && error.kind === change.noopKind && !readable
    if (someoneAsAsked && pending.length > 1)
      return { accounts: pending, mayHaveChanged: unsettled }
    if (!isPerAccountError(error))
      throw recordFailure(report, change, blueprintId, pending, error, unsettled, readable)
    if (pending.length > 1) return { accounts: pending, mayHaveChanged: unsettled }
    report.record(pending, 'failed', {
      requestId: error.requestId,
      code: error.code,
      change: change.name,
      reason: error.hint
    })
    info(
      `Account ${report.show(pending[0])} was refused: ${error.code} (RequestId ${error.requestId})`
    )
    return undefined
  }
}

/** Records the accounts a failed batch leaves, and the error that names them. */
function recordFailure(
  report: ShareReport,
  change: Change,
  blueprintId: string,
  pending: readonly string[],
  error: unknown,
  unsettled: boolean,
  readable: boolean
): Error {
  const accounts = pending.map(report.show).join(', ')
  if (unsettled) {
    // Never "not attempted": the account may have changed, and only a read or an answer can tell.
    const check = readable ? 'reading the shares to check' : 'sending it again to check'
    report.record(pending, 'unknown', {
      change: change.name,
      reason: `A ${change.name} call got no answer, and ${check} failed: ${describeError(error)}`
    })
    return new Error(
      `${change.doing(blueprintId)} ${accounts}: the outcome is unknown. A ${change.name} call got no ` +
        `answer, so it may have been made, and ${check} failed: ${describeError(error)}. ` +
        'Run the step again: it settles these accounts.',
      { cause: error }
    )
  }
  report.record(
    pending,
    'failed',
    error instanceof ApiError
      ? {
          requestId: error.requestId,
          code: error.code,
          change: change.name,
          reason: error.hint ?? error.apiMessage
        }
      : { change: change.name, reason: describeError(error) }
  )
  return new Error(`${change.doing(blueprintId)} ${accounts} failed: ${describeError(error)}`, {
    cause: error
  })
}
