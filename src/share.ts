/** Carrying out the plan: wait for the image, read the shares, share, then revoke. */
import { ApiError, TransportError, describeError, isPerAccountError } from './api-errors.js'
import type { LighthouseApi } from './lighthouse.js'
import { batches, planChanges, planSummary, planTable } from './plan.js'
import type { AccountResult, ShareReport } from './report.js'
import { backoffDelay, type Clock, type RetryPolicy } from './retry.js'
import { waitForNormal, type WaitSchedule } from './wait.js'

export interface ShareDeps {
  api: LighthouseApi
  clock: Clock
  random: () => number
  policy: RetryPolicy
  info: (message: string) => void
  waitSchedule?: WaitSchedule
}

export interface ShareRequest {
  blueprintId: string
  region: string
  accountIds: readonly string[]
  revokeAccountIds: readonly string[]
  revokeUnlisted: boolean
  dryRun: boolean
  waitTimeoutSeconds: number
}

/** A change to the share list, sharing or revoking, and how to tell when it is in place. */
interface Change {
  name: 'share' | 'revoke'
  send(api: LighthouseApi, blueprintId: string, accounts: readonly string[]): Promise<string>
  /** The result for an account this run changed, and for one that needed no change. */
  done: AccountResult
  noop: AccountResult
  /** The code the API answers when some account needs no change. */
  noopCode: string
  /** Whether an account is where the change would put it, given whether it has the share. */
  inPlace(hasShare: boolean): boolean
}

const SHARE: Change = {
  name: 'share',
  send: (api, id, accounts) => api.shareBlueprint(id, accounts),
  done: 'shared',
  noop: 'already-shared',
  noopCode: 'UnsupportedOperation.BlueprintAlreadyShared',
  inPlace: (hasShare) => hasShare
}

const REVOKE: Change = {
  name: 'revoke',
  send: (api, id, accounts) => api.cancelShare(id, accounts),
  done: 'revoked',
  noop: 'not-shared',
  noopCode: 'UnsupportedOperation.BlueprintHasNotShared',
  inPlace: (hasShare) => !hasShare
}

const STATE_INVALID = 'UnsupportedOperation.BlueprintCurStateInvalid'

/**
 * Brings the share list to what the request asks. Accounts the API refuses
 * one by one are recorded as failed in the report and the others still
 * change; any other failure is thrown.
 */
export async function shareBlueprint(
  deps: ShareDeps,
  request: ShareRequest,
  report: ShareReport
): Promise<void> {
  const { api, clock, info } = deps
  const { blueprintId } = request
  const deadline = clock.now() + request.waitTimeoutSeconds * 1000
  const waitForImage = () =>
    waitForNormal(api, {
      blueprintId,
      region: request.region,
      deadline,
      clock,
      info,
      onState: (state) => (report.blueprintState = state),
      schedule: deps.waitSchedule
    })

  const blueprint = await waitForImage()
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
  info(`${request.dryRun ? 'Dry run: the plan' : 'Plan'}: ${planSummary(plan)}\n${planTable(plan)}`)

  if (plan.toShare.length === 0 && plan.toRevoke.length === 0) {
    info('Nothing to change: every account already is as asked.')
    return
  }
  if (request.dryRun) {
    report.record(plan.toShare, 'shared')
    report.record(plan.toRevoke, 'revoked')
    return
  }
  // Share first: an image that must reach a new account never lapses because a revoke failed.
  for (const [change, accounts] of [
    [SHARE, plan.toShare],
    [REVOKE, plan.toRevoke]
  ] as const) {
    for (const batch of batches(accounts)) {
      await applyBatch(deps, change, blueprintId, batch, report, waitForImage)
    }
  }
}

async function applyBatch(
  deps: ShareDeps,
  change: Change,
  blueprintId: string,
  batch: readonly string[],
  report: ShareReport,
  waitForImage: () => Promise<unknown>
): Promise<void> {
  const { api, clock, random, policy, info } = deps
  let pending = [...batch]
  let lostAnswers = 0
  let stateWaits = 0

  /** Reads where the pending accounts stand now; records those in place and keeps the rest pending. */
  const settle = async (result: AccountResult): Promise<number> => {
    const haveShare = new Set(await api.findSharedAccounts(blueprintId, pending))
    const inPlace = pending.filter((a) => change.inPlace(haveShare.has(a)))
    report.record(inPlace, result)
    pending = pending.filter((a) => !inPlace.includes(a))
    return inPlace.length
  }

  while (pending.length > 0) {
    try {
      const requestId = await change.send(api, blueprintId, pending)
      report.requestIds.push(requestId)
      report.record(pending, change.done, { requestId })
      info(
        `${change.name === 'share' ? 'Shared with' : 'Revoked the share of'} ${pending.join(', ')} (RequestId ${requestId})`
      )
      return
    } catch (error) {
      if (error instanceof ApiError && error.requestId) report.requestIds.push(error.requestId)

      if (isPerAccountError(error)) {
        if (pending.length === 1) {
          report.record(pending, 'failed', {
            requestId: error.requestId,
            code: error.code,
            change: change.name,
            reason: error.hint
          })
          info(`Account ${pending[0]} was refused: ${error.code} (RequestId ${error.requestId})`)
          return
        }
        // The API does not say which account is at fault: halve until it does.
        const half = Math.ceil(pending.length / 2)
        await applyBatch(deps, change, blueprintId, pending.slice(0, half), report, waitForImage)
        await applyBatch(deps, change, blueprintId, pending.slice(half), report, waitForImage)
        return
      }

      if (error instanceof TransportError && lostAnswers + 1 < policy.maxAttempts) {
        // The change may have been made even though the answer was lost: look before trying again.
        lostAnswers += 1
        const delay = backoffDelay(lostAnswers, policy, random)
        info(
          `No answer to the ${change.name} call (${error.detail}); checking the shares in ${delay} ms before trying again.`
        )
        await clock.sleep(delay)
        await settle(change.done)
        continue
      }

      if (error instanceof ApiError && error.code === change.noopCode) {
        // After a lost answer the change is most likely ours; otherwise someone else just made it.
        if ((await settle(lostAnswers > 0 ? change.done : change.noop)) > 0) continue
      }

      if (
        error instanceof ApiError &&
        error.code === STATE_INVALID &&
        stateWaits + 1 < policy.maxAttempts
      ) {
        stateWaits += 1
        info(`Blueprint ${blueprintId} left state NORMAL; waiting for it again.`)
        await waitForImage()
        continue
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
      const what =
        change.name === 'share'
          ? `Sharing ${blueprintId} with`
          : `Revoking the share of ${blueprintId} from`
      throw new Error(`${what} ${pending.join(', ')} failed: ${describeError(error)}`, {
        cause: error
      })
    }
  }
}
