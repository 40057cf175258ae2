/**
 * The one road from a chosen image to its shares: its own region, and each
 * region of copy-to-regions (copied there first unless a copy exists); one
 * region alone is a list of one. In each region the shares are brought to
 * what is wanted, then the family's lifecycle runs. One region failing does
 * not stop the others; each result says what happened there.
 */
import { describeError } from '../../cloud/api-errors.js'
import { BufferedLog, withPrefix } from '../../common/logger.js'
import { markCopy } from '../copying.js'
import { shareBlueprint } from '../share/share.js'
import {
  copyWaitSeconds,
  runLifecycle,
  type RegionDeps,
  type RegionImage,
  type RegionResult,
  type RegionsRequest,
  type Source
} from './road.js'
import { Placement } from './placing.js'
import { readySource, sourceFailed } from './source.js'

export type { RegionDeps, RegionResult, RegionsRequest } from './road.js'

/** Shares the image in its region and every region of copyTo; resolves to each region's result, in input order. */
export async function shareInRegions(
  deps: RegionDeps,
  request: RegionsRequest
): Promise<RegionResult[]> {
  if (request.image.planned !== undefined) return plannedBlueprint(deps, request)
  const source = await readySource(deps, request).catch((error: unknown) => {
    // One region alone fails as a region (its older versions still offboarded); with copies, nothing can be copied.
    if (request.copyTo.length > 0) throw error
    return sourceFailed(deps, request, error)
  })
  if ('record' in source) return [source]
  const placement = new Placement(deps, request, source)
  const images = await placement.place()
  const copied = images.some((image) => image.origin === 'made')
  const run = { deps, request, source, placement }
  const shared = await Promise.all(images.map((target) => shareIn(run, target, copied)))
  await placement.offboardFailed()
  const order = [request.region, ...request.copyTo]
  return [...shared, ...placement.settled].sort(
    (a, b) => order.indexOf(a.region) - order.indexOf(b.region)
  )
}

/** What every region's share step works with. */
interface RegionRun {
  deps: RegionDeps
  request: RegionsRequest
  source: Source
  placement: Placement
}

/**
 * Brings a region's shares to what is wanted (marking a copy first), then
 * runs the family's lifecycle there; a failure is the region's, never the
 * others'.
 */
async function shareIn(
  run: RegionRun,
  target: RegionImage,
  copied: boolean
): Promise<RegionResult> {
  const { deps, request, source, placement } = run
  const { region, blueprintId, origin, ready } = target
  const record = placement.open(region, blueprintId, origin)
  const isSource = origin === 'source'
  // With copies, one log per region, kept until the region is done, then printed as one group.
  const buffer = request.copyTo.length > 0 ? new BufferedLog() : undefined
  const log = buffer ? withPrefix(buffer, `[${region}] `) : deps.log
  const done = () => buffer?.flush(deps.log, `Region ${region}: ${blueprintId}`)
  const copyWait = copyWaitSeconds(request.waitTimeoutSeconds)
  try {
    await shareBlueprint(
      { ...deps, api: deps.apiFor(region), log },
      {
        blueprintId,
        region,
        wanted: request.wanted,
        dryRun: request.dryRun,
        waitTimeoutSeconds: isSource && !copied ? request.waitTimeoutSeconds : copyWait
      },
      record,
      {
        image: ready,
        shares: isSource ? source.shares : undefined,
        beforePlan: target.mark
          ? async () => {
              const options = {
                dryRun: request.dryRun,
                required: deps.lifecycle?.needsMarks ?? false,
                log
              }
              if (await markCopy(deps, target, source.copy, options)) record.recordMark()
            }
          : undefined,
        unchanged: isSource
          ? undefined
          : `The shares of ${blueprintId} here were not changed (the copy itself ${origin === 'made' ? 'was made by this run' : 'was made earlier'}).`
      }
    )
  } catch (error) {
    // Offboarding still reaches the older versions here.
    const family = await runLifecycle(deps, request, record, { shared: false, log, failure: error })
    await done()
    const why = [describeError(error), family].filter(Boolean).join(' ')
    record.failRemaining(why, request.wanted.revoke)
    return { region, origin, record, failure: why }
  }
  const failure = await runLifecycle(deps, request, record, { shared: true, log })
  await done()
  return { region, origin, record, failure }
}

/**
 * A dry run with a blueprint still to be made from a CVM image: there is no
 * image to read, so each region is planned as the real run would find it, a
 * new image (a copy too) that every listed account would get. The family's
 * plan needs the new image's build: it is made on the real run.
 */
function plannedBlueprint(deps: RegionDeps, request: RegionsRequest): RegionResult[] {
  const regions = [request.region, ...request.copyTo]
  deps.log.info(
    `Dry run: the new blueprint would be shared with ${request.wanted.share.length} account(s)` +
      (request.copyTo.length > 0 ? `, and copied to ${request.copyTo.join(', ')}.` : '.')
  )
  return regions.map((region) => {
    const record = deps.records.open(region, '', 'would-make')
    record.recordPlannedNewImage(request.wanted.share, request.wanted.revoke)
    return { region, origin: 'would-make' as const, record }
  })
}
