/** The share itself: check the image, skip who already has it, share with the rest. */
import { ApiError, describeError } from './api-errors.js'
import type { LighthouseApi } from './lighthouse.js'
import { batches, planShare } from './plan.js'
import type { ShareReport } from './report.js'

/** The image cannot be shared as it is; not an API failure. */
export class BlueprintError extends Error {
  override name = 'BlueprintError'
}

export async function shareBlueprint(
  api: LighthouseApi,
  request: { blueprintId: string; region: string; accountIds: readonly string[] },
  report: ShareReport,
  info: (message: string) => void
): Promise<void> {
  const { blueprintId, region } = request
  const blueprint = await api.describeBlueprint(blueprintId)
  if (!blueprint) {
    throw new BlueprintError(
      `Blueprint ${blueprintId} was not found in region ${region}. ` +
        'Each region has its own image IDs: check "blueprint-id" and "region".'
    )
  }
  report.blueprintState = blueprint.state
  if (blueprint.type !== 'PRIVATE') {
    throw new BlueprintError(
      `Blueprint ${blueprintId} is a ${blueprint.type} image: only custom (PRIVATE) images can be shared.`
    )
  }
  if (blueprint.state !== 'NORMAL') {
    throw new BlueprintError(
      `Blueprint ${blueprintId} is in state ${blueprint.state}: it must be NORMAL to be shared.`
    )
  }
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
    try {
      const requestId = await api.shareBlueprint(blueprintId, batch)
      report.requestIds.push(requestId)
      report.record(batch, 'shared', { requestId })
      info(`Shared with ${batch.join(', ')} (RequestId ${requestId})`)
    } catch (error) {
      const requestId = error instanceof ApiError ? error.requestId : undefined
      if (requestId) report.requestIds.push(requestId)
      report.record(batch, 'failed', { requestId, reason: describeError(error) })
      throw new Error(
        `Sharing ${blueprintId} with ${batch.join(', ')} failed: ${describeError(error)}`,
        {
          cause: error
        }
      )
    }
  }
}
