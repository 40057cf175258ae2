/**
 * Copying the image to other regions and sharing every copy: find the copies
 * an earlier run made, make the missing ones in one SyncBlueprint call, then
 * bring each region's share list to what the inputs ask, side by side.
 */
import { ApiError, TransportError, describeError } from './api-errors.js'
import type { Blueprint, LighthouseApi } from './lighthouse.js'
import { withPrefix } from './logger.js'
import type { CopyOrigin, ShareReport } from './report.js'
import { backoffDelay, retrying } from './retry.js'
import { shareBlueprint, type ShareDeps, type ShareRequest } from './share.js'
import { FAILED_STATES, waitForNormal } from './wait.js'

/** SyncBlueprint takes at most this many destination regions a call. */
const MAX_REGIONS_PER_SYNC = 10

export interface RegionDeps extends Omit<ShareDeps, 'api'> {
  /** The Lighthouse API in a region (requests carry that region). */
  apiFor(region: string): LighthouseApi
}

export interface RegionResult {
  region: string
  /** Undefined when the region could not even be looked at. */
  origin?: CopyOrigin
  report: ShareReport
  /** Why this region failed; undefined when it did not. */
  failure?: string
}

/** A region's image: the source, a copy the region already has, or one just made. */
interface RegionImage {
  region: string
  blueprintId: string
  origin: 'source' | 'made' | 'reused'
  /** The copy as read, when it was NORMAL then: no need to read it again. */
  ready?: Blueprint
}

/**
 * Shares the image in its own region and in every region of copyTo, copying
 * it there first unless a copy exists. One region failing does not stop the
 * others; each result says what happened in its region. Throws only when the
 * source image itself cannot be used.
 */
export async function shareAcrossRegions(
  deps: RegionDeps,
  request: ShareRequest,
  copyTo: readonly string[],
  reportFor: (region: string, blueprintId: string, origin?: CopyOrigin) => ShareReport
): Promise<RegionResult[]> {
  const { log, clock } = deps
  const sourceReport = reportFor(request.region, request.blueprintId, 'source')
  const source = await waitForNormal(deps.apiFor(request.region), {
    blueprintId: request.blueprintId,
    region: request.region,
    deadline: clock.now() + request.waitTimeoutSeconds * 1000,
    clock,
    log,
    onState: (state) => (sourceReport.blueprintState = state),
    schedule: deps.waitSchedule
  })

  const found = await Promise.all(copyTo.map((region) => findCopy(deps, region, source)))
  const results: RegionResult[] = []
  const copies: RegionImage[] = []
  const missing: string[] = []
  for (const [i, region] of copyTo.entries()) {
    const outcome = found[i]
    if (typeof outcome === 'string') {
      results.push(failed(region, undefined, reportFor(region, ''), outcome))
    } else if (outcome) {
      log.info(
        `[${region}] Reusing the copy ${outcome.id} (${outcome.state}) made on an earlier run.`
      )
      const ready = outcome.state === 'NORMAL' ? outcome : undefined
      copies.push({ region, blueprintId: outcome.id, origin: 'reused', ready })
    } else {
      missing.push(region)
    }
  }

  if (request.dryRun) {
    for (const region of missing) {
      log.info(`[${region}] Dry run: a copy of ${request.blueprintId} would be made here.`)
      const report = reportFor(region, '', 'would-make')
      // A new copy has no shares: every listed account would get it, no revoke is needed.
      report.record(request.accountIds, 'shared')
      report.record(request.revokeAccountIds, 'not-shared')
      results.push({ region, origin: 'would-make', report })
    }
  } else if (missing.length > 0) {
    const made = await makeCopies(deps, source, request.region, missing)
    for (const region of missing) {
      const copy = made.get(region)!
      if ('failure' in copy) {
        results.push(failed(region, 'made', reportFor(region, '', 'made'), copy.failure))
      } else {
        copies.push({ region, blueprintId: copy.blueprintId, origin: 'made' })
      }
    }
  }

  // Every region side by side: the rate limiter is shared, the waiting is not.
  // The source was just read NORMAL; after a SyncBlueprint it reads SYNCING again, so it is waited for.
  const sourceReady = copies.some((c) => c.origin === 'made') ? undefined : source
  const regions: RegionImage[] = [
    {
      region: request.region,
      blueprintId: request.blueprintId,
      origin: 'source',
      ready: sourceReady
    },
    ...copies
  ]
  const shared = await Promise.all(
    regions.map(async ({ region, blueprintId, origin, ready }): Promise<RegionResult> => {
      const report = reportFor(region, blueprintId, origin)
      const regionLog = withPrefix(log, `[${region}] `)
      try {
        await shareBlueprint(
          { ...deps, api: deps.apiFor(region), log: regionLog },
          { ...request, region, blueprintId },
          report,
          ready
        )
        return { region, origin, report }
      } catch (error) {
        return failed(region, origin, report, describeError(error))
      }
    })
  )
  const order = [request.region, ...copyTo]
  return [...shared, ...results].sort((a, b) => order.indexOf(a.region) - order.indexOf(b.region))
}

function failed(
  region: string,
  origin: CopyOrigin | undefined,
  report: ShareReport,
  failure: string
): RegionResult {
  return { region, origin, report, failure }
}

/**
 * The copy an earlier run made: a custom image in the region with the
 * source's name, made at or after the source, not failed; the newest wins.
 * Resolves to a reason when the region cannot be read.
 */
async function findCopy(
  deps: RegionDeps,
  region: string,
  source: Blueprint
): Promise<Blueprint | string | undefined> {
  try {
    const images = await deps.apiFor(region).findCustomImages(source.nameAsGiven)
    return images.find(
      (image) => !FAILED_STATES.includes(image.state) && !(image.createdAt < source.createdAt) // NaN (no time given) counts as a candidate
    )
  } catch (error) {
    return `Could not look for an existing copy: ${describeError(error)}`
  }
}

/** What making a region's copy came to: its new ID, or why there is none. */
type Made = { blueprintId: string } | { failure: string }

/**
 * SyncBlueprint for the regions that lack a copy, 10 a call. A call the API
 * refuses (quota, an unavailable region) is made again one region at a time,
 * so only the region at fault fails.
 */
async function makeCopies(
  deps: RegionDeps,
  source: Blueprint,
  sourceRegion: string,
  regions: readonly string[]
): Promise<Map<string, Made>> {
  const made = new Map<string, Made>()
  const fail = (region: string, error: unknown) =>
    made.set(region, { failure: `Could not copy the image here: ${describeError(error)}` })
  for (let start = 0; start < regions.length; start += MAX_REGIONS_PER_SYNC) {
    const batch = regions.slice(start, start + MAX_REGIONS_PER_SYNC)
    try {
      await syncRegions(deps, source, sourceRegion, batch, made)
    } catch (error) {
      if (batch.length > 1 && error instanceof ApiError) {
        // The API does not say which region it refused: ask for each alone.
        for (const region of batch) {
          await syncRegions(deps, source, sourceRegion, [region], made).catch((alone: unknown) =>
            fail(region, alone)
          )
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
  deps: RegionDeps,
  source: Blueprint,
  sourceRegion: string,
  regions: readonly string[],
  made: Map<string, Made>
): Promise<void> {
  const { log, policy, random, clock } = deps
  let pending = [...regions]
  await retrying(
    async () => {
      if (pending.length === 0) return
      log.info(
        `Copying ${source.id} from ${sourceRegion} to ${pending.join(', ')} (SyncBlueprint).`
      )
      const copies = await deps.apiFor(sourceRegion).syncBlueprint(source.id, pending)
      for (const copy of copies) {
        log.info(`[${copy.region}] The copy is ${copy.blueprintId}.`)
        made.set(copy.region, { blueprintId: copy.blueprintId })
      }
    },
    (error, attempt) => {
      if (!(error instanceof TransportError) || attempt >= policy.maxAttempts) return 'give-up'
      return {
        waitMs: backoffDelay(attempt, policy, random),
        before: async () => {
          log.info(
            `No answer to SyncBlueprint (${error.detail}); looking for the copies before asking again.`
          )
          for (const region of pending) {
            const copy = await findCopy(deps, region, source)
            if (typeof copy === 'string') {
              // Asking again could make a second copy: leave the region to a re-run, which looks first.
              made.set(region, {
                failure: `SyncBlueprint got no answer (${error.detail}), so a copy may exist, and ${copy.charAt(0).toLowerCase()}${copy.slice(1)}. Run the step again: it finds the copy if one was made.`
              })
            } else if (copy) {
              made.set(region, { blueprintId: copy.id })
            }
          }
          pending = pending.filter((region) => !made.has(region))
        }
      }
    },
    clock
  )
}
