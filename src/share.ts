/** Carrying out the plan: wait for the image, read the shares, share, then revoke. */
import { ApiError, TransportError, describeError, isPerAccountError } from './api-errors.js'
import type { ActionInputs } from './inputs.js'
import type { Blueprint, LighthouseApi } from './lighthouse.js'
import { batches, planChanges, planSummary, planTable } from './plan.js'
import { SHARE, REVOKE, type Change } from './change.js'
import type { AccountResult, ShareReport } from './report.js'
import type { Clock } from './clock.js'
import type { Logger } from './logger.js'
import { backoffDelay, retrying, type NextAttempt, type RetryPolicy } from './retry.js'
import { waitForNormal, type WaitSchedule } from './wait.js'

export interface ShareDeps {
  api: LighthouseApi
  clock: Clock
  random: () => number
  policy: RetryPolicy
  log: Logger
  waitSchedule?: WaitSchedule
}

/** What shareBlueprint is asked to do: the inputs that say it. */
export type ShareRequest = Pick<
  ActionInputs,
  | 'blueprintId'
  | 'region'
  | 'accountIds'
  | 'revokeAccountIds'
  | 'revokeUnlisted'
  | 'dryRun'
  | 'waitTimeoutSeconds'
>

/**
 * Brings the share list to what the request asks. Accounts the API refuses
 * one by one are recorded as failed in the report and the others still
 * change; any other failure is thrown.
 */
export async function shareBlueprint(
  deps: ShareDeps,
  request: ShareRequest,
  report: ShareReport,
  /** The image as just read in NORMAL, so it need not be read again before the plan. */
  alreadyRead?: Blueprint
): Promise<void> {
  const { api, clock, log } = deps
  const { info, group } = log
  const show = report.show
  const { blueprintId } = request
  const deadline = clock.now() + request.waitTimeoutSeconds * 1000
  const waitForImage = () =>
    waitForNormal(api, {
      blueprintId,
      region: request.region,
      deadline,
      clock,
      log,
      onState: (state) => (report.blueprintState = state),
      schedule: deps.waitSchedule
    })

  if (alreadyRead) report.blueprintState = alreadyRead.state
  const blueprint = alreadyRead ?? (await waitForImage())
  info(
    `Blueprint ${blueprintId} (${blueprint.name || 'no name'}) is a custom image in state NORMAL.`
  )

  const plan = planChanges(
    {
      share: request.accountIds,
      revoke: request.revokeAccountIds,
      revokeUnlisted: request.revokeUnlisted
    },
    await api.listSharedAccounts(blueprintId)
  )
  report.record(plan.alreadyShared, 'already-shared')
  report.record(plan.alreadyNotShared, 'not-shared')
  // One line per account: folded, so 500 accounts do not bury the rest of the log.
  await group(`${request.dryRun ? 'Dry run: the plan' : 'Plan'}: ${planSummary(plan)}`, () =>
    info(planTable(plan, show))
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
      for (const batch of batches(accounts)) {
        await applyBatch({ deps, change, blueprintId, report, waitForImage }, batch)
      }
    }
  })
}

/** What every batch of one change works with. */
interface BatchContext {
  deps: ShareDeps
  change: Change
  blueprintId: string
  report: ShareReport
  waitForImage: () => Promise<unknown>
}

/** Applies a change to one batch; when the API refuses an account without saying which, halves the batch until it does. */
async function applyBatch(context: BatchContext, batch: readonly string[]): Promise<void> {
  const unclear = await changeBatch(context, batch)
  if (!unclear) return
  const half = Math.ceil(unclear.length / 2)
  await applyBatch(context, unclear.slice(0, half))
  await applyBatch(context, unclear.slice(half))
}

/**
 * Sends one change call for the batch until every account in it is settled,
 * and records each account in the report. Resolves to the accounts to split
 * when the API refused one of several; throws, after recording every pending
 * account as failed (or as unknown when a call may have changed it), when the
 * batch cannot be settled.
 */
async function changeBatch(
  context: BatchContext,
  batch: readonly string[]
): Promise<string[] | undefined> {
  const { deps, change, blueprintId, report, waitForImage } = context
  const { api, clock, random, policy } = deps
  const { info } = deps.log
  let pending = [...batch]
  let lostAnswers = 0
  let stateWaits = 0
  /** A call whose answer was lost may have changed the pending accounts, and no read has told yet. */
  let unsettled = false

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
      // The change may have been made even though the answer was lost: look before trying again.
      unsettled = true
      lostAnswers += 1
      const lastTry = lostAnswers >= policy.maxAttempts
      const delay = backoffDelay(lostAnswers, policy, random)
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
    if (!isPerAccountError(error))
      throw recordFailure(report, change, blueprintId, pending, error, unsettled)
    if (pending.length > 1) return pending
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
  unsettled: boolean
): Error {
  const accounts = pending.map(report.show).join(', ')
  if (unsettled) {
    // Never "not attempted": the account may have changed, and only a read can tell.
    report.record(pending, 'unknown', {
      change: change.name,
      reason: `A ${change.name} call got no answer, and reading the shares to check failed: ${describeError(error)}`
    })
    return new Error(
      `${change.doing(blueprintId)} ${accounts}: the outcome is unknown. A ${change.name} call got no ` +
        `answer, so it may have been made, and reading the shares to check failed: ${describeError(error)}. ` +
        'Run the step again: it reads the shares first, so it settles these accounts.',
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
