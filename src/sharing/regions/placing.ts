/**
 * Where each copy region's image comes from: a copy an earlier run made
 * (reused), one made now, or (a dry run) one that would be made; a region
 * that cannot have one fails before any share there, and its older versions
 * are still offboarded.
 */
import type { Blueprint, Quota } from '../../cloud/lighthouse.js'
import { withPrefix } from '../../common/logger.js'
import { findCopy, markedSource, type CopySearch } from '../copies.js'
import { makeCopies, quotaFailure, readQuotas } from '../copying.js'
import type { CopyOrigin, RegionRecord } from '../share/region-record.js'
import {
  copyWaitSeconds,
  runLifecycle,
  type LifecycleState,
  type RegionDeps,
  type RegionImage,
  type RegionResult,
  type RegionsRequest,
  type Source
} from './road.js'

/** One run's copy regions: what each has, and which failed before any share. */
export class Placement {
  /** Regions already settled: failed before any share, or (a dry run) planned without a copy. */
  readonly settled: RegionResult[] = []
  /** Regions that failed before any share there: their older versions are still offboarded. */
  private readonly failedEarly: RegionResult[] = []
  /** Each copy region's custom images, as read before any change. */
  private listed = new Map<string, Blueprint[]>()
  /** Each destination's custom-image quota, as read before copying there. */
  private quotas = new Map<string, Quota | undefined>()
  /** One log per region with copies, printed as one group: regions never interleave. */

  constructor(
    private readonly deps: RegionDeps,
    private readonly request: RegionsRequest,
    private readonly source: Source
  ) {}

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
  open(region: string, blueprintId: string, origin: CopyOrigin | undefined): RegionRecord {
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
      record.recordPlannedNewImage(request.wanted.share, request.wanted.revoke)
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
    const copyWait = copyWaitSeconds(this.request.waitTimeoutSeconds)
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
