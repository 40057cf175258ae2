/** The share itself: wait for the image, skip who already has it, share with the rest. */
import { ApiError, TransportError, describeError, isPerAccountError } from './api-errors.js'
import type { LighthouseApi } from './lighthouse.js'
import { batches, planShare } from './plan.js'
import type { ShareReport } from './report.js'
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
  waitTimeoutSeconds: number
}

const ALREADY_SHARED = 'UnsupportedOperation.BlueprintAlreadyShared'
const STATE_INVALID = 'UnsupportedOperation.BlueprintCurStateInvalid'

/**
 * Shares the image with every requested account that lacks it. Accounts the
 * API rejects one by one are recorded as failed in the report and the rest
 * still get the share; any other failure is thrown.
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

  const plan = planShare(request.accountIds, await api.listSharedAccounts(blueprintId))
  report.record(plan.alreadyShared, 'already-shared')
  if (plan.alreadyShared.length > 0) {
    info(
      `Already shared with ${plan.alreadyShared.length} account(s): ${plan.alreadyShared.join(', ')}`
    )
  }
  if (plan.toShare.length === 0) {
    info('Every account already has the share: nothing to do.')
    return
  }
  for (const batch of batches(plan.toShare)) {
    await shareBatch(deps, blueprintId, batch, report, waitForImage)
  }
}

async function shareBatch(
  deps: ShareDeps,
  blueprintId: string,
  batch: readonly string[],
  report: ShareReport,
  waitForImage: () => Promise<unknown>
): Promise<void> {
  const { api, clock, random, policy, info } = deps
  let pending = [...batch]
  let lostAnswers = 0
  let stateWaits = 0

  /** Reads which pending accounts have the share now; records them and keeps the rest pending. */
  const settle = async (result: 'shared' | 'already-shared'): Promise<number> => {
    const have = new Set(await api.findSharedAccounts(blueprintId, pending))
    report.record([...have], result)
    pending = pending.filter((a) => !have.has(a))
    return have.size
  }

  while (pending.length > 0) {
    try {
      const requestId = await api.shareBlueprint(blueprintId, pending)
      report.requestIds.push(requestId)
      report.record(pending, 'shared', { requestId })
      info(`Shared with ${pending.join(', ')} (RequestId ${requestId})`)
      return
    } catch (error) {
      if (error instanceof ApiError && error.requestId) report.requestIds.push(error.requestId)

      if (isPerAccountError(error)) {
        if (pending.length === 1) {
          report.record(pending, 'failed', {
            requestId: error.requestId,
            code: error.code,
            reason: error.hint
          })
          info(`Account ${pending[0]} was refused: ${error.code} (RequestId ${error.requestId})`)
          return
        }
        // The API does not say which account is at fault: halve until it does.
        const half = Math.ceil(pending.length / 2)
        await shareBatch(deps, blueprintId, pending.slice(0, half), report, waitForImage)
        await shareBatch(deps, blueprintId, pending.slice(half), report, waitForImage)
        return
      }

      if (error instanceof TransportError && lostAnswers + 1 < policy.maxAttempts) {
        // The share may have been made even though the answer was lost: look before trying again.
        lostAnswers += 1
        const delay = backoffDelay(lostAnswers, policy, random)
        info(
          `No answer to the share call (${error.detail}); checking the shares in ${delay} ms before trying again.`
        )
        await clock.sleep(delay)
        await settle('shared')
        continue
      }

      if (error instanceof ApiError && error.code === ALREADY_SHARED) {
        // After a lost answer the share is most likely ours; otherwise someone else just made it.
        if ((await settle(lostAnswers > 0 ? 'shared' : 'already-shared')) > 0) continue
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
          ? { requestId: error.requestId, code: error.code, reason: error.hint ?? error.apiMessage }
          : { reason: describeError(error) }
      )
      throw new Error(
        `Sharing ${blueprintId} with ${pending.join(', ')} failed: ${describeError(error)}`,
        {
          cause: error
        }
      )
    }
  }
}
