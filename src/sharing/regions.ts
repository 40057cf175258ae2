/**
 * The one road from a chosen image to its shares: its own region, and each
 * region of copy-to-regions (copied there first unless a copy exists); one
 * region alone is a list of one. In each region the shares are brought to
 * what is wanted, then the family's lifecycle runs. One region failing does
 * not stop the others; each result says what happened there.
 */
import { describeError } from '../cloud/api-errors.js'
import type { Blueprint, Quota } from '../cloud/lighthouse.js'
import { BufferedLog, withPrefix, type Logger } from '../common/logger.js'
import { findCopy, markedSource, type CopySearch, type CopySource } from './copies.js'
import { makeCopies, markCopy, quotaFailure, readQuotas, type CopyingDeps } from './copying.js'
import type { ChosenImage } from './image.js'
import type { FamilyLifecycle } from './lifecycle/lifecycle.js'
import { buildTimeOf } from './lifecycle/versions.js'
import type { CopyOrigin, CurrentShares, RegionRecord, Unreadable } from './share/region-record.js'
import type { RegionRecords } from './share/region-records.js'
import {
  UnlistedNeedsListError,
  readCurrentShares,
  shareBlueprint,
  unlistedNeedsTheList,
  waitForRecordedImage
} from './share/share.js'
import type { Wanted } from './targets/target-source.js'

export interface RegionDeps extends CopyingDeps {
  /** Where each region's record is kept, so a run that fails half-way still reports it. */
  records: RegionRecords
  /** With family: what runs in each region once its image's shares are done there. */
  lifecycle?: FamilyLifecycle
}

/** What to share where. */
export interface RegionsRequest {
  image: ChosenImage
  /** The image's own region. */
  region: string
  copyTo: readonly string[]
  wanted: Wanted
  dryRun: boolean
  /** How long to wait for the given image to become NORMAL; 0: not at all. */
  waitTimeoutSeconds: number
}

export interface RegionResult {
  region: string
  /** Undefined when the region could not even be looked at. */
  origin?: CopyOrigin
  record: RegionRecord
  /** Why this region failed (its shares, or its family's older versions); undefined when it did not. */
  failure?: string
}

/**
 * The longest the waits the step causes itself may take, unless
 * wait-timeout-seconds is longer: the source reads SYNCING while it is
 * copied, and each copy until it is NORMAL. A wait-timeout-seconds of 0,
 * meant for the given image, must not refuse them.
 */
export const COPY_WAIT_SECONDS = 1800

/** A region's image: the source, a copy the region already has, or one just made. */
interface RegionImage {
  region: string
  blueprintId: string
  origin: 'source' | 'made' | 'reused'
  /** The image as read, when it was NORMAL then: no need to read it again. */
  ready?: Blueprint
  /** A copy to mark as the source's before its shares change (one just made, or recognised without a full mark). */
  mark?: boolean
}

/** Shares the image in its region and every region of copyTo; resolves to each region's result, in input order. */
export async function shareInRegions(
  deps: RegionDeps,
  request: RegionsRequest
): Promise<RegionResult[]> {
  const source = await readySource(deps, request).catch((error: unknown) => {
    // One region alone fails as a region (its older versions still offboarded); with copies, nothing can be copied.
    if (request.copyTo.length > 0) throw error
    return sourceFailed(deps, request, error)
  })
  if ('record' in source) return [source]
  const run = new RegionsRun(deps, request, source)
  const images = await run.place()
  const copied = images.some((image) => image.origin === 'made')
  const shared = await Promise.all(images.map((target) => run.shareIn(target, copied)))
  await run.offboardFailed()
  const order = [request.region, ...request.copyTo]
  return [...shared, ...run.settled].sort(
    (a, b) => order.indexOf(a.region) - order.indexOf(b.region)
  )
}

/** The image's own region, when the image never became ready there. */
async function sourceFailed(
  deps: RegionDeps,
  request: RegionsRequest,
  error: unknown
): Promise<RegionResult> {
  const { region } = request
  const record = deps.records.open(region, request.image.id, 'source')
  const family = await runLifecycle(deps, request, record, {
    shared: false,
    log: deps.log,
    failure: error
  })
  const why = [describeError(error), family].filter(Boolean).join(' ')
  record.failRemaining(why, request.wanted.revoke)
  return { region, origin: 'source', record, failure: why }
}

/** The source, ready to share and to copy: read in NORMAL, its shares read. */
interface Source {
  copy: CopySource
  shares: CurrentShares
  waitFor: (seconds: number) => Promise<Blueprint>
}

/**
 * The image in its own region, NORMAL (as chosen, or waited for), and its
 * shares: without the share list, revoke-unlisted stops before any change.
 */
async function readySource(deps: RegionDeps, request: RegionsRequest): Promise<Source> {
  const { image, region } = request
  const api = deps.apiFor(region)
  const record = deps.records.open(region, image.id, 'source')
  const waitFor = (seconds: number) =>
    waitForRecordedImage({ ...deps, api }, record, deps.clock.now() + seconds * 1000)
  const chosen = image.found?.state === 'NORMAL' ? image.found : undefined
  if (chosen) record.recordState(chosen.state)
  const ready = chosen ?? (await waitFor(request.waitTimeoutSeconds))
  const shares = await readCurrentShares(api, image.id)
  if (!shares.readable && request.wanted.revokeUnlisted) throw unlistedNeedsTheList(shares)
  let namesakes: Promise<Blueprint[]> | undefined
  const copy: CopySource = {
    image: ready,
    region,
    builtAt: deps.lifecycle?.currentBuilt ?? buildTimeOf(ready),
    // Other images of the source's name in its region: read once, and only if needed.
    namesakes: () =>
      (namesakes ??= (
        image.images.length > 0 ? Promise.resolve(image.images) : api.listCustomImages()
      ).then((all) => all.filter((i) => i.nameAsGiven === ready.nameAsGiven && i.id !== ready.id)))
  }
  return { copy, shares, waitFor }
}

/** One run over the regions: where the copies stand, what each region came to. */
class RegionsRun {
  /** Regions already settled: failed before any share, or (a dry run) planned without a copy. */
  readonly settled: RegionResult[] = []
  /** Regions that failed before any share there: their older versions are still offboarded. */
  private readonly failedEarly: RegionResult[] = []
  /** Each copy region's custom images, as read before any change. */
  private listed = new Map<string, Blueprint[]>()
  /** Each destination's custom-image quota, as read before copying there. */
  private quotas = new Map<string, Quota | undefined>()
  /** One log per region with copies, printed as one group: regions never interleave. */
  private readonly multiRegion: boolean

  constructor(
    private readonly deps: RegionDeps,
    private readonly request: RegionsRequest,
    private readonly source: Source
  ) {
    this.multiRegion = request.copyTo.length > 0
  }

  /**
   * Finds the copies an earlier run made, and makes the missing ones (none in
   * a dry run, which plans them); resolves to every region with an image to
   * share, the source first.
   */
  async place(): Promise<RegionImage[]> {
    const { deps, request } = this
    if (request.copyTo.length === 0) return [this.sourceImage(false)]
    const found = await Promise.all(
      request.copyTo.map((region) => findCopy(deps.apiFor(region), region, this.source.copy))
    )
    this.listed = new Map(
      request.copyTo.flatMap((region, i) => {
        const images = found[i].images
        return images ? [[region, images] as const] : []
      })
    )
    // Every region's builds count in every region's ranks: all are known before any change.
    for (const [region, images] of this.listed) deps.lifecycle?.learn(region, images)
    const { reused, missing } = this.reuse(found)
    const roomy = await this.roomFor(missing)
    const made = request.dryRun ? await this.plan(roomy) : await this.copy(roomy)
    const copied = made.some((c) => c.origin === 'made')
    return [this.sourceImage(copied), ...reused, ...made]
  }

  /** The source as a region to share: read NORMAL already, unless a copy was just made (it reads SYNCING then). */
  private sourceImage(copied: boolean): RegionImage {
    const { image, region } = this.source.copy
    return { region, blueprintId: image.id, origin: 'source', ready: copied ? undefined : image }
  }

  /** The region's record, opened with what the run knows of it (its quota, read before copying there). */
  private open(region: string, blueprintId: string, origin: CopyOrigin | undefined): RegionRecord {
    const record = this.deps.records.open(region, blueprintId, origin)
    record.recordQuota(this.quotas.get(region))
    return record
  }

  /** Records a region that failed before any share there: its requested accounts not settled are failed too. */
  private fail(region: string, origin: CopyOrigin | undefined, why: string): RegionRecord {
    const record = this.open(region, '', origin)
    record.failRemaining(why, this.request.wanted.revoke)
    const result = { region, origin, record, failure: why }
    this.settled.push(result)
    this.failedEarly.push(result)
    return record
  }

  /** The copies found, reused; the regions without one; a region whose copy cannot be told fails. */
  private reuse(found: readonly CopySearch[]): { reused: RegionImage[]; missing: string[] } {
    const reused: RegionImage[] = []
    const missing: string[] = []
    for (const [i, region] of this.request.copyTo.entries()) {
      const outcome = found[i]
      if (outcome.kind === 'unclear') {
        this.fail(region, undefined, outcome.reason)
      } else if (outcome.kind === 'found') {
        const { copy, marked } = outcome
        this.deps.log.info(
          `[${region}] Reusing the copy ${copy.id} (${copy.state}) made on an earlier run` +
            (marked
              ? '.'
              : markedSource(copy.description)
                ? ' (its mark is written again, with the build time, before its shares change).'
                : ', recognised by its name (it is marked as the copy before its shares change).')
        )
        const ready = copy.state === 'NORMAL' ? copy : undefined
        reused.push({ region, blueprintId: copy.id, origin: 'reused', ready, mark: !marked })
      } else {
        missing.push(region)
      }
    }
    return { reused, missing }
  }

  /** The regions with room for one more custom image; one without fails before SyncBlueprint, naming its quota. */
  private async roomFor(missing: readonly string[]): Promise<string[]> {
    this.quotas = await readQuotas(this.deps, missing)
    const origin: CopyOrigin = this.request.dryRun ? 'would-make' : 'made'
    const roomy: string[] = []
    for (const region of missing) {
      const quota = this.quotas.get(region)
      if (quota && quota.available <= 0) this.fail(region, origin, quotaFailure(quota))
      else roomy.push(region)
    }
    return roomy
  }

  /** A dry run makes no copy: each region is planned as the real run would find it, its family too. */
  private async plan(roomy: readonly string[]): Promise<RegionImage[]> {
    const { deps, request, source } = this
    for (const region of roomy) {
      deps.log.info(`[${region}] Dry run: a copy of ${request.image.id} would be made here.`)
      const record = this.open(region, '', 'would-make')
      // A new copy has no shares: every listed account would get it, no revoke is needed.
      record.record(request.wanted.share, 'shared')
      record.record(request.wanted.revoke, 'not-shared')
      const failure = await this.keepFamily(record, {
        shared: true,
        log: withPrefix(deps.log, `[${region}] `),
        images: this.listed.get(region),
        // Where the source's list cannot be read, the copy's could not be either: plan as the real run would.
        unreadable: source.shares.readable ? undefined : source.shares
      })
      this.settled.push({ region, origin: 'would-make', record, failure })
    }
    return []
  }

  /** SyncBlueprint for the regions with room; a region whose copy failed fails. */
  private async copy(roomy: readonly string[]): Promise<RegionImage[]> {
    if (roomy.length === 0) return []
    const copyWait = Math.max(this.request.waitTimeoutSeconds, COPY_WAIT_SECONDS)
    const made = await makeCopies(this.deps, this.source.copy, roomy, () =>
      this.source.waitFor(copyWait)
    )
    const copies: RegionImage[] = []
    for (const region of roomy) {
      const copy = made.get(region)!
      if ('failure' in copy) this.fail(region, 'made', copy.failure)
      else copies.push({ region, blueprintId: copy.blueprintId, origin: 'made', mark: true })
    }
    return copies
  }

  /**
   * Brings a region's shares to what is wanted (marking a copy first), then
   * runs the family's lifecycle there; a failure is the region's, never the
   * others'.
   */
  async shareIn(target: RegionImage, copied: boolean): Promise<RegionResult> {
    const { deps, request, source } = this
    const { region, blueprintId, origin, ready } = target
    const record = this.open(region, blueprintId, origin)
    const isSource = origin === 'source'
    // With copies, kept until the region is done, then printed as one group.
    const buffer = this.multiRegion ? new BufferedLog() : undefined
    const log = buffer ? withPrefix(buffer, `[${region}] `) : deps.log
    const done = () => buffer?.flush(deps.log, `Region ${region}: ${blueprintId}`)
    const copyWait = Math.max(request.waitTimeoutSeconds, COPY_WAIT_SECONDS)
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
            ? () =>
                markCopy(deps, target, source.copy, {
                  dryRun: request.dryRun,
                  required: deps.lifecycle?.needsMarks ?? false,
                  log
                })
            : undefined,
          unchanged: isSource
            ? undefined
            : `The shares of ${blueprintId} here were not changed (the copy itself ${origin === 'made' ? 'was made by this run' : 'was made earlier'}).`
        }
      )
    } catch (error) {
      // Offboarding still reaches the older versions here.
      const family = await this.keepFamily(record, { shared: false, log, failure: error })
      await done()
      const why = [describeError(error), family].filter(Boolean).join(' ')
      record.failRemaining(why, request.wanted.revoke)
      return { region, origin, record, failure: why }
    }
    const failure = await this.keepFamily(record, { shared: true, log })
    await done()
    return { region, origin, record, failure }
  }

  /** Regions that failed before their shares: their older versions are still offboarded. */
  async offboardFailed(): Promise<void> {
    for (const result of this.failedEarly) {
      const images = this.listed.get(result.region)
      if (!images) continue
      const family = await this.keepFamily(result.record, {
        shared: false,
        log: withPrefix(this.deps.log, `[${result.region}] `),
        images
      })
      if (family) result.failure = `${result.failure} ${family}`
    }
  }

  private keepFamily(record: RegionRecord, state: LifecycleState): Promise<string | undefined> {
    return runLifecycle(this.deps, this.request, record, state)
  }
}

interface LifecycleState {
  /** Whether the image's shares are done in the region. */
  shared: boolean
  log: Logger
  images?: readonly Blueprint[]
  /** Why the image's shares failed here: revoke-unlisted without the list changes nothing at all. */
  failure?: unknown
  /** Why the region's share lists cannot be read, where its image's were not read (a copy a dry run would make). */
  unreadable?: Unreadable
}

/**
 * With family: the family's plan in a region once its image's shares are
 * done there (`shared`), or failed (then only offboarding, if asked for).
 * Resolves to the lifecycle's failure, if any.
 */
async function runLifecycle(
  deps: RegionDeps,
  request: RegionsRequest,
  record: RegionRecord,
  state: LifecycleState
): Promise<string | undefined> {
  const { lifecycle } = deps
  const offboards = request.wanted.revoke.length > 0 || request.wanted.revokeUnlisted
  if (!lifecycle || (!state.shared && !offboards)) return undefined
  if (state.failure instanceof UnlistedNeedsListError) return undefined
  try {
    await lifecycle.actIn(
      { ...deps, api: deps.apiFor(record.region), log: state.log },
      {
        blueprintId: record.blueprintId,
        region: record.region,
        wanted: request.wanted,
        dryRun: request.dryRun,
        waitTimeoutSeconds: request.waitTimeoutSeconds
      },
      { record, shared: state.shared, images: state.images, unreadable: state.unreadable }
    )
    return undefined
  } catch (error) {
    return describeError(error)
  }
}
