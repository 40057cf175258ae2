/**
 * Making and marking copies: each destination's quota read first, the
 * missing copies made with SyncBlueprint (10 regions a call; a refused call
 * asked again one region at a time; a lost answer settled by looking for the
 * copies), and each copy marked with its source and build time before its
 * shares change.
 */
import { ApiError, TransportError, describeError } from '../cloud/api-errors.js'
import type { LighthouseApi, Quota } from '../cloud/lighthouse.js'
import { backoffDelay, retrying } from '../cloud/retry.js'
import type { Logger } from '../common/logger.js'
import { copyMarker, findCopy, type CopySource } from './copies.js'
import type { ShareDeps } from './share/share.js'

/** SyncBlueprint takes at most this many destination regions a call. */
const MAX_REGIONS_PER_SYNC = 10

export interface CopyingDeps extends Omit<ShareDeps, 'api'> {
  apiFor(region: string): LighthouseApi
}

/**
 * Each destination's custom-image quota, side by side. A quota that cannot
 * be read (a CAM policy from before this read, a busy API) is a warning, not
 * a failure: SyncBlueprint itself refuses a full region.
 */
export async function readQuotas(
  deps: CopyingDeps,
  regions: readonly string[]
): Promise<Map<string, Quota | undefined>> {
  const quotas = await Promise.all(
    regions.map((region) =>
      deps
        .apiFor(region)
        .blueprintQuota()
        .catch((error: unknown) => {
          deps.log.warning(
            `[${region}] Could not read the custom image quota (DescribeGeneralResourceQuotas): ` +
              `${describeError(error)} Copying anyway.`
          )
          return undefined
        })
    )
  )
  return new Map(regions.map((region, i) => [region, quotas[i]]))
}

/** Why a region without room for one more custom image is not copied to, naming its quota. */
export function quotaFailure(quota: Quota): string {
  return (
    `No room for the copy: the custom image quota here is used up (${quota.available} available of ` +
    `${quota.total}, DescribeGeneralResourceQuotas BLUEPRINT). Delete old images here (or let "keep-images" ` +
    'delete old versions of the family), or ask Tencent Cloud for a higher quota.'
  )
}

/** What making a region's copy came to: its new ID, or why there is none. */
export type Made = { blueprintId: string } | { failure: string }

/**
 * SyncBlueprint for the regions that lack a copy, 10 a call. A call the API
 * refuses (quota, an unavailable region) is made again one region at a time,
 * so only the region at fault fails, with the code that refused it. Only a
 * NORMAL image can be copied, and the source reads SYNCING while a copy is
 * made: after any call that may have started one, the source is waited for.
 */
export async function makeCopies(
  deps: CopyingDeps,
  source: CopySource,
  regions: readonly string[],
  waitForSource: () => Promise<unknown>
): Promise<Map<string, Made>> {
  const made = new Map<string, Made>()
  const fail = (region: string, error: unknown) =>
    made.set(region, { failure: `Could not copy the image here: ${describeError(error)}` })
  let sourceBusy = false
  const sync = async (batch: readonly string[]) => {
    if (sourceBusy) await waitForSource()
    try {
      await syncRegions(deps, source, batch, made)
      sourceBusy = true
    } catch (error) {
      if (!(error instanceof ApiError)) sourceBusy = true
      throw error
    }
  }
  for (let start = 0; start < regions.length; start += MAX_REGIONS_PER_SYNC) {
    const batch = regions.slice(start, start + MAX_REGIONS_PER_SYNC)
    try {
      await sync(batch)
    } catch (error) {
      if (batch.length > 1 && error instanceof ApiError) {
        // The API does not say which region it refused: ask for each alone.
        for (const region of batch) {
          await sync([region]).catch((alone: unknown) => fail(region, alone))
        }
      } else {
        for (const region of batch) if (!made.has(region)) fail(region, error)
      }
    }
  }
  // A region SyncBlueprint gave no copy for is a failure too, never a silent gap.
  for (const region of regions) {
    if (!made.has(region))
      made.set(region, { failure: 'SyncBlueprint gave no copy for this region.' })
  }
  return made
}

/**
 * One SyncBlueprint for these regions. It is not idempotent: after a lost
 * answer the copies may exist, so each region is looked at before the
 * regions still without a copy are asked for again.
 */
async function syncRegions(
  deps: CopyingDeps,
  source: CopySource,
  regions: readonly string[],
  made: Map<string, Made>
): Promise<void> {
  const { log, policy, random, clock } = deps
  const { image } = source
  let pending = [...regions]
  /** After a lost answer: each region's copy, if one was made; a region that cannot be told is left to a re-run. */
  const lookForCopies = async (error: TransportError) => {
    log.info(
      `No answer to SyncBlueprint (${error.detail}); looking for the copies before asking again.`
    )
    for (const region of pending) {
      const search = await findCopy(deps.apiFor(region), region, source)
      if (search.kind === 'unclear') {
        // Asking again could make a second copy: leave the region to a re-run, which looks first.
        made.set(region, {
          failure: `SyncBlueprint got no answer (${error.detail}), so a copy may exist. ${search.reason} Run the step again: it finds the copy if one was made.`
        })
      } else if (search.kind === 'found') {
        made.set(region, { blueprintId: search.copy.id })
      }
    }
    pending = pending.filter((region) => !made.has(region))
  }
  await retrying(
    async () => {
      if (pending.length === 0) return
      log.info(
        `Copying ${image.id} from ${source.region} to ${pending.join(', ')} (SyncBlueprint).`
      )
      const copies = await deps.apiFor(source.region).syncBlueprint(image.id, pending)
      for (const copy of copies) {
        log.info(`[${copy.region}] The copy is ${copy.blueprintId}.`)
        made.set(copy.region, { blueprintId: copy.blueprintId })
      }
    },
    (error, attempt) => {
      if (!(error instanceof TransportError)) return 'give-up'
      // The last answer was lost too: look once more, so a copy it made is reported, not "could not copy".
      if (attempt >= policy.maxAttempts) {
        return { before: () => lookForCopies(error).then(() => Promise.reject(error)) }
      }
      return {
        waitMs: backoffDelay(attempt, policy, random),
        before: () => lookForCopies(error)
      }
    },
    clock
  )
}

/**
 * Writes on a copy whose link to the source this run knows that it is the
 * source's copy, and when its build was made, so later runs tell it apart and
 * date it (also after the source is deleted). Never the source: only a copy
 * in another region is written on. A copy that cannot be marked is still
 * shared, with a warning; but not where a lifecycle rule would have to date
 * it later (`required`): its region then fails before its shares change.
 * Resolves to whether the copy was written on (in a dry run: would be), or
 * may have been (an answer that never came).
 */
export async function markCopy(
  deps: CopyingDeps,
  copy: { region: string; blueprintId: string },
  source: CopySource,
  options: { dryRun: boolean; required: boolean; log: Logger }
): Promise<boolean> {
  if (copy.region === source.region) throw new Error('The source image is never written on.')
  const { log } = options
  const marker = copyMarker(source.image.id, source.region, source.builtAt)
  if (options.dryRun) {
    log.info(`Dry run: ${copy.blueprintId} would be marked "${marker}" (its description).`)
    return true
  }
  try {
    await deps.apiFor(copy.region).setDescription(copy.blueprintId, marker)
    log.info(`Marked ${copy.blueprintId} as the copy: its description is now "${marker}".`)
    return true
  } catch (error) {
    const what = `Could not mark ${copy.blueprintId} as the copy of ${source.image.id} (ModifyBlueprintAttribute): ${describeError(error)}`
    if (options.required) {
      throw new Error(
        `${what} Its shares were not changed: with "keep-shared" a copy must carry its mark (the build it ` +
          'belongs to and its time), or no later run could tell which version it is. Allow ' +
          'lighthouse:ModifyBlueprintAttribute, then run the step again.',
        { cause: error }
      )
    }
    log.warning(
      `${what} Its shares are updated all the same; a later run recognises it by name only while no other ` +
        `image in ${source.region} has that name.`
    )
    return error instanceof TransportError
  }
}
