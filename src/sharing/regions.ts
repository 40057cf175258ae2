/**
 * Copying the image to other regions and sharing every copy: find the copies
 * an earlier run made, make the missing ones in one SyncBlueprint call, then
 * bring each region's share list to what the inputs ask, side by side.
 */
import { ApiError, TransportError, describeError } from '../cloud/api-errors.js'
import { copyMarker, findCopy, markedSource, type CopySource } from './copies.js'
import type { Blueprint, LighthouseApi, Quota } from '../cloud/lighthouse.js'
import { BufferedLog, withPrefix, type Logger } from '../common/logger.js'
import type { CopyOrigin, CurrentShares, ShareReport } from './share-report.js'
import { backoffDelay, retrying } from '../cloud/retry.js'
import type { FamilyLifecycle } from './lifecycle/lifecycle.js'
import { buildTimeOf } from './lifecycle/versions.js'
import {
  readCurrentShares,
  shareBlueprint,
  unlistedNeedsTheList,
  UnlistedNeedsListError,
  waitForReportedImage,
  type ShareDeps,
  type ShareRequest
} from './share.js'

/** SyncBlueprint takes at most this many destination regions a call. */
const MAX_REGIONS_PER_SYNC = 10

export interface RegionDeps extends Omit<ShareDeps, 'api'> {
  /** The Lighthouse API in a region (requests carry that region). */
  apiFor(region: string): LighthouseApi
  /** With family: what runs in each region once its image's shares are done there. */
  lifecycle?: FamilyLifecycle
}

export interface RegionResult {
  region: string
  /** Undefined when the region could not even be looked at. */
  origin?: CopyOrigin
  report: ShareReport
  /** Why this region failed (its shares, or its family's older versions); undefined when it did not. */
  failure?: string
}

/** A region's image: the source, a copy the region already has, or one just made. */
interface RegionImage {
  region: string
  blueprintId: string
  origin: 'source' | 'made' | 'reused'
  /** The copy as read, when it was NORMAL then: no need to read it again. */
  ready?: Blueprint
  /** A copy to mark as the source's before its shares change (one just made, or recognised by name). */
  mark?: boolean
}

/**
 * The longest the waits the step causes itself may take, unless
 * wait-timeout-seconds is longer: the source reads SYNCING while it is
 * copied, and each copy until it is NORMAL. A wait-timeout-seconds of 0,
 * meant for the given image, must not refuse them.
 */
export const COPY_WAIT_SECONDS = 1800

/**
 * Shares the image in its own region and in every region of copyTo, copying
 * it there first unless a copy exists. One region failing does not stop the
 * others; each result says what happened in its region. Throws only when the
 * source image itself cannot be used, or when nothing may change at all.
 */
export async function shareAcrossRegions(
  deps: RegionDeps,
  request: ShareRequest,
  copyTo: readonly string[],
  reportFor: (region: string, blueprintId: string, origin?: CopyOrigin) => ShareReport
): Promise<RegionResult[]> {
  const { log, clock } = deps
  const sourceApi = deps.apiFor(request.region)
  const sourceReport = reportFor(request.region, request.blueprintId, 'source')
  const waitForSource = (seconds: number) =>
    waitForReportedImage({ ...deps, api: sourceApi }, sourceReport, clock.now() + seconds * 1000)
  const copyWaitSeconds = Math.max(request.waitTimeoutSeconds, COPY_WAIT_SECONDS)
  const image = await waitForSource(request.waitTimeoutSeconds)
  // Read before any copy is made: without the share list, revoke-unlisted must stop before any change.
  const sourceShares = await readCurrentShares(sourceApi, request.blueprintId)
  if (!sourceShares.readable && request.revokeUnlisted) throw unlistedNeedsTheList(sourceShares)

  let namesakes: Promise<Blueprint[]> | undefined
  const { lifecycle } = deps
  const source: CopySource = {
    image,
    region: request.region,
    builtAt: lifecycle?.currentBuilt ?? buildTimeOf(image),
    namesakes: () =>
      (namesakes ??= sourceApi
        .listCustomImages()
        .then((all) => all.filter((i) => i.nameAsGiven === image.nameAsGiven && i.id !== image.id)))
  }
  const found = await Promise.all(
    copyTo.map((region) => findCopy(deps.apiFor(region), region, source))
  )
  // Every region's builds count in every region's ranks: all are known before any change.
  for (const [i, region] of copyTo.entries()) {
    const images = found[i].images
    if (images) lifecycle?.learn(region, images)
  }
  const results: RegionResult[] = []
  /** Regions that failed before any share there: their older versions are still offboarded, below. */
  const failedEarly: RegionResult[] = []
  const fail = (...args: Parameters<typeof failed>) => {
    const result = failed(...args)
    failedEarly.push(result)
    results.push(result)
  }
  const copies: RegionImage[] = []
  const missing: string[] = []
  for (const [i, region] of copyTo.entries()) {
    const outcome = found[i]
    if (outcome.kind === 'unclear') {
      fail(region, undefined, reportFor(region, ''), outcome.reason, request)
    } else if (outcome.kind === 'found') {
      const { copy, marked } = outcome
      log.info(
        `[${region}] Reusing the copy ${copy.id} (${copy.state}) made on an earlier run` +
          (marked
            ? '.'
            : markedSource(copy.description)
              ? ' (its mark is written again, with the build time, before its shares change).'
              : ', recognised by its name (it is marked as the copy before its shares change).')
      )
      const ready = copy.state === 'NORMAL' ? copy : undefined
      copies.push({ region, blueprintId: copy.id, origin: 'reused', ready, mark: !marked })
    } else {
      missing.push(region)
    }
  }

  // A region without room for one more custom image fails before SyncBlueprint, naming its quota.
  const quotas = await readQuotas(deps, missing)
  const reportAt = (region: string, blueprintId: string, origin: CopyOrigin) => {
    const report = reportFor(region, blueprintId, origin)
    report.quota ??= quotas.get(region)
    return report
  }
  const roomy: string[] = []
  for (const region of missing) {
    const quota = quotas.get(region)
    if (quota && quota.available <= 0) {
      const report = reportAt(region, '', request.dryRun ? 'would-make' : 'made')
      const why =
        `No room for the copy: the custom image quota here is used up (${quota.available} available of ` +
        `${quota.total}, DescribeGeneralResourceQuotas BLUEPRINT). Delete old images here (or let "keep-images" ` +
        'delete old versions of the family), or ask Tencent Cloud for a higher quota.'
      fail(region, report.origin, report, why, request)
    } else {
      roomy.push(region)
    }
  }

  if (request.dryRun) {
    for (const region of roomy) {
      log.info(`[${region}] Dry run: a copy of ${request.blueprintId} would be made here.`)
      const report = reportAt(region, '', 'would-make')
      // A new copy has no shares: every listed account would get it, no revoke is needed.
      report.record(request.accountIds, 'shared')
      report.record(request.revokeAccountIds, 'not-shared')
      const images = found[copyTo.indexOf(region)].images
      const failure = await keepFamily(deps, request, report, {
        shared: true,
        log: withPrefix(log, `[${region}] `),
        images,
        // Where the source's list cannot be read, the copy's could not be either: plan as the real run would.
        unreadable: sourceShares.readable ? undefined : sourceShares
      })
      results.push({ region, origin: 'would-make', report, failure })
    }
  } else if (roomy.length > 0) {
    const made = await makeCopies(deps, source, roomy, () => waitForSource(copyWaitSeconds))
    for (const region of roomy) {
      const copy = made.get(region)!
      if ('failure' in copy) {
        fail(region, 'made', reportAt(region, '', 'made'), copy.failure, request)
      } else {
        copies.push({ region, blueprintId: copy.blueprintId, origin: 'made', mark: true })
      }
    }
  }

  // Every region side by side: the rate limiter is shared, the waiting is not.
  // The source was just read NORMAL; after a SyncBlueprint it reads SYNCING again, so it is waited for.
  const copied = copies.some((c) => c.origin === 'made')
  const regions: RegionImage[] = [
    {
      region: request.region,
      blueprintId: request.blueprintId,
      origin: 'source',
      ready: copied ? undefined : image
    },
    ...copies
  ]
  const shared = await Promise.all(
    regions.map(async (target): Promise<RegionResult> => {
      const { region, blueprintId, origin, ready } = target
      const report = reportAt(region, blueprintId, origin)
      // Kept until the region is done, then printed as one group: regions never interleave in the log.
      const buffer = new BufferedLog()
      const regionLog = withPrefix(buffer, `[${region}] `)
      const isSource = origin === 'source'
      const done = () => buffer.flush(log, `Region ${region}: ${blueprintId}`)
      const regionDeps = { ...deps, api: deps.apiFor(region), log: regionLog }
      try {
        await shareBlueprint(
          regionDeps,
          {
            ...request,
            region,
            blueprintId,
            waitTimeoutSeconds: isSource && !copied ? request.waitTimeoutSeconds : copyWaitSeconds
          },
          report,
          {
            image: ready,
            shares: isSource ? sourceShares : undefined,
            beforePlan: target.mark
              ? () => markCopy(deps, request, target, source.builtAt, regionLog)
              : undefined,
            unchanged: isSource
              ? undefined
              : `The shares of ${blueprintId} here were not changed (the copy itself ${origin === 'made' ? 'was made by this run' : 'was made earlier'}).`
          }
        )
      } catch (error) {
        // Offboarding still reaches the older versions here.
        const family = await keepFamily(deps, request, report, {
          shared: false,
          log: regionLog,
          failure: error
        })
        await done()
        return failed(
          region,
          origin,
          report,
          [describeError(error), family].filter(Boolean).join(' '),
          request
        )
      }
      const failure = await keepFamily(deps, request, report, { shared: true, log: regionLog })
      await done()
      return { region, origin, report, failure }
    })
  )
  // Regions that failed before their shares: their older versions are still offboarded.
  for (const result of failedEarly) {
    const images = found[copyTo.indexOf(result.region)]?.images
    if (!images || !offboards(request)) continue
    const family = await keepFamily(deps, request, result.report, {
      shared: false,
      log: withPrefix(log, `[${result.region}] `),
      images
    })
    if (family) result.failure = `${result.failure} ${family}`
  }
  const order = [request.region, ...copyTo]
  return [...shared, ...results].sort((a, b) => order.indexOf(a.region) - order.indexOf(b.region))
}

/**
 * With family: the family's plan in a region once its image's shares are
 * done there (`shared`), or failed (then only offboarding, if asked for).
 * Resolves to the lifecycle's failure, if any.
 */
export async function keepFamily(
  deps: RegionDeps,
  request: ShareRequest,
  report: ShareReport,
  state: {
    shared: boolean
    log: Logger
    images?: readonly Blueprint[]
    /** Why the image's shares failed here: revoke-unlisted without the list changes nothing at all. */
    failure?: unknown
    /** Why the region's share lists cannot be read, where its image's were not read (a copy a dry run would make). */
    unreadable?: CurrentShares & { readable: false }
  }
): Promise<string | undefined> {
  const { lifecycle } = deps
  if (!lifecycle || (!state.shared && !offboards(request))) return undefined
  if (state.failure instanceof UnlistedNeedsListError) return undefined
  try {
    await lifecycle.actIn(
      { ...deps, api: deps.apiFor(report.region), log: state.log },
      { ...request, region: report.region, blueprintId: report.blueprintId },
      { report, shared: state.shared, images: state.images, unreadable: state.unreadable }
    )
    return undefined
  } catch (error) {
    return describeError(error)
  }
}

/** Whether the request takes shares from accounts (which reaches older versions too). */
function offboards(request: ShareRequest): boolean {
  return request.revokeAccountIds.length > 0 || request.revokeUnlisted
}

/**
 * Writes on a copy whose link to the source this run knows that it is the
 * source's copy, and when its build was made, so later runs tell it apart and
 * date it (also after the source is deleted). Never the source: only a copy
 * in another region is written on. A copy that cannot be marked is still
 * shared, with a warning; but not with keep-shared or keep-images, which
 * would never be able to date it: its region then fails before its shares change.
 */
async function markCopy(
  deps: RegionDeps,
  request: ShareRequest,
  copy: RegionImage,
  builtAt: number,
  log: Logger
): Promise<void> {
  if (copy.region === request.region) throw new Error('The source image is never written on.')
  const marker = copyMarker(request.blueprintId, request.region, builtAt)
  if (request.dryRun) {
    log.info(`Dry run: ${copy.blueprintId} would be marked "${marker}" (its description).`)
    return
  }
  try {
    await deps.apiFor(copy.region).setDescription(copy.blueprintId, marker)
    log.info(`Marked ${copy.blueprintId} as the copy: its description is now "${marker}".`)
  } catch (error) {
    const what = `Could not mark ${copy.blueprintId} as the copy of ${request.blueprintId} (ModifyBlueprintAttribute): ${describeError(error)}`
    if (deps.lifecycle?.needsMarks) {
      throw new Error(
        `${what} Its shares were not changed: with "keep-shared" a copy must carry its mark (the build it ` +
          'belongs to and its time), or no later run could tell which version it is. Allow ' +
          'lighthouse:ModifyBlueprintAttribute, then run the step again.',
        { cause: error }
      )
    }
    log.warning(
      `${what} Its shares are updated all the same; a later run recognises it by name only while no other ` +
        `image in ${request.region} has that name.`
    )
  }
}

/**
 * Each destination's custom-image quota, side by side. A quota that cannot
 * be read (a CAM policy from before this read, a busy API) is a warning, not
 * a failure: SyncBlueprint itself refuses a full region.
 */
async function readQuotas(
  deps: RegionDeps,
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

/** A region that failed: its requested accounts not settled there are failed too, with why. */
function failed(
  region: string,
  origin: CopyOrigin | undefined,
  report: ShareReport,
  failure: string,
  request: ShareRequest
): RegionResult {
  report.failRemaining(failure, request.revokeAccountIds)
  return { region, origin, report, failure }
}

/** What making a region's copy came to: its new ID, or why there is none. */
type Made = { blueprintId: string } | { failure: string }

/**
 * SyncBlueprint for the regions that lack a copy, 10 a call. A call the API
 * refuses (quota, an unavailable region) is made again one region at a time,
 * so only the region at fault fails, with the code that refused it. Only a
 * NORMAL image can be copied, and the source reads SYNCING while a copy is
 * made: after any call that may have started one, the source is waited for.
 */
async function makeCopies(
  deps: RegionDeps,
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
  deps: RegionDeps,
  source: CopySource,
  regions: readonly string[],
  made: Map<string, Made>
): Promise<void> {
  const { log, policy, random, clock } = deps
  const { image } = source
  let pending = [...regions]
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
      if (!(error instanceof TransportError) || attempt >= policy.maxAttempts) return 'give-up'
      return {
        waitMs: backoffDelay(attempt, policy, random),
        before: async () => {
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
      }
    },
    clock
  )
}
