/**
 * A family's lifecycle in every region of a run: the versions found before
 * any change (so every region ranks the same builds), then, in each region
 * once its image is shared, the plan carried out and recorded. The safety
 * rules live here: only versions proven older than this image's build are
 * ever changed; a version loses its shares only after every account got
 * this image in that region; an image is deleted only once it has no share.
 */
import { describeError } from '../../cloud/api-errors.js'
import type { Blueprint } from '../../cloud/lighthouse.js'
import type { CurrentShares, ShareReport } from '../share-report.js'
import type { ShareDeps, ShareRequest } from '../share.js'
import { offboard, remove, retire } from './acts.js'
import { RegionLifecycle, type VersionRecord } from './record.js'
import { planRegion, rulesOf, type FamilyRule, type LifecycleRule } from './rules.js'
import {
  buildRegion,
  buildTimeOf,
  familyImages,
  type BuildRegion,
  type FamilyImage
} from './versions.js'

/** Some act of the lifecycle failed: the image's own shares stand. */
export class LifecycleError extends Error {
  override name = 'LifecycleError'
}

/** Where a region stands when its lifecycle runs. */
export interface RegionState {
  /** The image's share report there (its blueprintId is '' where there is no image yet). */
  report: ShareReport
  /** Whether the image's shares are in place here (in a dry run: would be); false where the region failed. */
  shared: boolean
  /** The region's custom images as read before any change, when its image is not there yet; read here otherwise. */
  images?: readonly Blueprint[]
}

type Unreadable = CurrentShares & { readable: false }

export class FamilyLifecycle {
  readonly rules: readonly LifecycleRule[]
  /** When the build being shared was made: what its copies' marks carry, and what versions rank against. */
  readonly currentBuilt: number
  /** Each region's record, in the order they were made. */
  readonly records = new Map<string, RegionLifecycle>()
  private readonly builds: BuildRegion
  private readonly buildTimes = new Set<number>()

  constructor(
    readonly rule: FamilyRule,
    /** The region builds are made in, and its custom images as read to choose the image. */
    region: string,
    private readonly sourceImages: readonly Blueprint[],
    current: Blueprint,
    private readonly identity: string
  ) {
    this.rules = rulesOf(rule)
    this.builds = buildRegion(region, sourceImages)
    this.currentBuilt = buildTimeOf(current)
    this.learn(region, sourceImages)
  }

  /** A region's custom images as read before any change: its builds count in every region's ranks. */
  learn(region: string, images: readonly Blueprint[]): void {
    for (const version of this.familyIn(region, images)) {
      if (version.dating.known) this.buildTimes.add(version.dating.builtAt)
    }
  }

  /** Whether copies must carry their mark before their shares change (a rule will date them later). */
  get needsMarks(): boolean {
    return this.rules.length > 0
  }

  /**
   * Carries out the region's plan once its image's shares are done: retires
   * and deletes older versions (only when every account got this image here),
   * and offboards the accounts that should have no share from the versions
   * that keep theirs (always). Throws LifecycleError, after recording
   * everything, when some act failed.
   */
  async actIn(
    deps: ShareDeps,
    request: ShareRequest,
    state: RegionState
  ): Promise<RegionLifecycle> {
    const { region } = request
    const { log } = deps
    // The source region's images were read to choose the image; a copy's region is read again now.
    const images =
      state.images ??
      (region === this.builds.region ? this.sourceImages : await deps.api.listCustomImages())
    const found = this.familyIn(region, images)
    const record = new RegionLifecycle(
      region,
      this.rule.pattern,
      request.dryRun,
      planRegion(
        found,
        {
          currentId: state.report.blueprintId,
          currentBuilt: this.currentBuilt,
          buildTimes: [
            ...this.buildTimes,
            this.currentBuilt,
            ...found.flatMap((v) => (v.dating.known ? [v.dating.builtAt] : []))
          ]
        },
        this.rules
      )
    )
    this.records.set(region, record)
    this.warnUnknown(record, deps)

    const failed = state.report.failures
    if (!state.shared || failed.length > 0) {
      record.skipped = state.shared
        ? `${failed.length} account(s) did not get this image here, and must not be left without a version`
        : 'this image is not shared here'
      if (this.rules.length > 0) {
        log.warning(
          `Older versions of "${this.rule.pattern}" keep their shares: ${record.skipped}.`
        )
      }
    }
    const retiring = record.skipped === undefined
    const unreadable = this.unreadable(state.report)
    if (unreadable && retiring && record.toRetire.length > 0) {
      log.warning(
        `The shares of older versions cannot be read here (${unreadable.code}), so only the accounts this ` +
          'step lists lose them; any other account keeps its share, and no version is deleted.'
      )
    }
    const context = { identity: this.identity, show: state.report.show, unreadable }
    const offboarding = request.revokeAccountIds.length > 0 || request.revokeUnlisted
    const failures: string[] = []
    /** Runs an act on a version; a failure is noted on it and collected, and the other versions go on. */
    const done = async (version: VersionRecord, act: () => Promise<void>): Promise<boolean> => {
      try {
        await act()
        return true
      } catch (error) {
        version.note = describeError(error)
        failures.push(`${version.version.image.id}: ${describeError(error)}`)
        return false
      }
    }

    for (const version of record.versions) {
      const { fate, image } = version.version
      if (retiring && (fate === 'retire' || fate === 'delete')) {
        if (!(await done(version, () => retire(deps, request, version, context)))) continue
        if (fate !== 'delete') continue
        const deletion = await remove(deps, request, version, !unreadable)
        version.deletion = deletion
        if (deletion.result === 'unknown') failures.push(`${image.id}: ${deletion.why}`)
        if (deletion.result === 'kept') {
          log.warning(`${image.id} (${image.name}) is not deleted: ${deletion.why}`)
        }
      } else if (offboarding && ['kept-shared', 'retire', 'delete'].includes(fate)) {
        await done(version, () => offboard(deps, request, version, context))
      }
    }
    const [lose, deleted] = request.dryRun
      ? ['would lose', 'would be deleted']
      : ['lost', 'deleted']
    log.info(
      `Family "${this.rule.pattern}": ${record.versions.length} image(s) here; ${record.retired.length} older ` +
        `version(s) ${lose} their shares, ${record.deleted.length} ${deleted}.`
    )
    if (failures.length > 0) {
      throw new LifecycleError(
        `The image is shared, but ${failures.length} older version(s) could not be brought to the plan: ${failures.join('; ')}`
      )
    }
    return record
  }

  private familyIn(region: string, images: readonly Blueprint[]): FamilyImage[] {
    return familyImages(images, region, this.rule.pattern, this.builds)
  }

  /** Where the image's own share list could not be read, older versions' cannot be either: not asked again. */
  private unreadable(report: ShareReport): Unreadable | undefined {
    const shares = report.currentShares
    return shares?.readable === false ? shares : undefined
  }

  /** Images named like the family whose build is not known: one warning a region, the summary has each. */
  private warnUnknown(record: RegionLifecycle, deps: ShareDeps): void {
    const unknown = record.versions.filter((v) => v.version.fate === 'unknown')
    if (unknown.length === 0) return
    deps.log.warning(
      `${unknown.length} image(s) named like "${this.rule.pattern}" in ${record.region} are not known to be ` +
        'versions of the family, so they are never retired or deleted: ' +
        unknown
          .slice(0, 3)
          .map((v) => `${v.version.image.id} (${v.version.unknown?.why})`)
          .join('; ') +
        (unknown.length > 3 ? '; …' : '') +
        '. The summary says what settles each.'
    )
  }
}
