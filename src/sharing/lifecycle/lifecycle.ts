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
import type { RegionRecord, Unreadable } from '../share/region-record.js'
import type { ChosenImage } from '../image.js'
import type { ShareDeps, ShareRequest } from '../share/share.js'
import { offboard, remove, retire, type ActContext } from './acts.js'
import { RegionLifecycle, type Deletion, type VersionRecord } from './record.js'
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
  /** The image's record there (its blueprintId is '' where there is no image yet). */
  record: RegionRecord
  /** Whether the image's shares are in place here (in a dry run: would be); false where the region failed. */
  shared: boolean
  /** The region's custom images as read before any change, where its image is not there (yet); read here otherwise. */
  images?: readonly Blueprint[]
  /** Why share lists cannot be read here, where the image's own was not read (a copy a dry run would make). */
  unreadable?: Unreadable
}

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
    sourceImages: readonly Blueprint[],
    current: Blueprint,
    private readonly identity: string,
    /** When this run made the image from a CVM image: that image's build time (NaN when unknown). */
    private readonly madeFromBuilt?: number
  ) {
    this.rules = rulesOf(rule)
    this.builds = buildRegion(region, sourceImages)
    this.currentBuilt = buildTimeOf(current)
    this.learn(region, sourceImages)
  }

  /**
   * The lifecycle of a run with a family, once the image is chosen (its
   * region's images read); none without a family, or when the image is not
   * among its region's custom images (it cannot be shared then either).
   */
  static of(
    rule: FamilyRule | undefined,
    region: string,
    image: ChosenImage,
    identity: string,
    /** When this run made the image from a CVM image: that image's build time. */
    madeFromBuilt?: number
  ): FamilyLifecycle | undefined {
    return rule && image.found
      ? new FamilyLifecycle(rule, region, image.images, image.found, identity, madeFromBuilt)
      : undefined
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
    // Read now, just before acting (where the image is there): the plan rests on the region as it is.
    const images = state.images ?? (await deps.api.listCustomImages())
    const record = new RegionLifecycle(
      request.region,
      this.rule.pattern,
      request.dryRun,
      // A copy a dry run would make counts as there: the real run would have made it.
      this.planIn(request.region, state.record.blueprintId, images, request.dryRun && state.shared)
    )
    this.records.set(request.region, record)
    this.warnUnknown(record, deps)
    record.skipped =
      this.holdBack(state, deps) ?? this.rollback(record, state.record.blueprintId, deps)
    const unreadable = this.unreadable(state)
    const context = { identity: this.identity, unreadable }
    const failures: string[] = []
    const retired = await this.takeShares(record, deps, request, context, failures)
    await this.deleteRetired(record, retired, deps, request, !unreadable, failures)
    const [lose, deleted] = request.dryRun
      ? ['would lose', 'would be deleted']
      : ['lost', 'deleted']
    deps.log.info(
      `Family "${this.rule.pattern}": ${record.versions.length} image(s) here; ${record.retired.length} older ` +
        `version(s) ${lose} their shares, ${record.deleted.length} ${deleted}.`
    )
    if (failures.length > 0) {
      const image = state.shared ? 'The image is shared, but' : 'Also,'
      throw new LifecycleError(
        `${image} ${failures.length} older version(s) could not be brought to the plan: ${failures.join('; ')}`
      )
    }
    return record
  }

  /** The region's versions and their fates, from its images as read. */
  private planIn(
    region: string,
    currentId: string,
    images: readonly Blueprint[],
    currentToCome = false
  ) {
    const found = this.familyIn(region, images)
    return planRegion(
      found,
      {
        currentId,
        currentBuilt: this.currentBuilt,
        currentToCome,
        buildTimes: [
          ...this.buildTimes,
          this.currentBuilt,
          ...found.flatMap((v) => (v.dating.known ? [v.dating.builtAt] : []))
        ]
      },
      this.rules
    )
  }

  /** Why no version loses its shares here (a customer must never be left without a version); undefined when they may. */
  private holdBack(state: RegionState, deps: ShareDeps): string | undefined {
    const failed = state.record.failures.length
    if (state.shared && failed === 0) return undefined
    const why = !state.shared
      ? state.record.blueprintId
        ? 'not every share of this image succeeded here'
        : 'this image is not shared here'
      : `${failed} account(s) did not get this image here, and must not be left without a version`
    if (this.rules.length > 0) {
      deps.log.warning(`Older versions of "${this.rule.pattern}" keep their shares: ${why}.`)
    }
    return why
  }

  /**
   * Why no version loses its shares when this run made the image from a CVM
   * image built before some version here (an old build made a blueprint
   * again): the new blueprint is dated now, and would outrank newer builds.
   */
  private rollback(
    record: RegionLifecycle,
    currentId: string,
    deps: ShareDeps
  ): string | undefined {
    const built = this.madeFromBuilt
    if (built === undefined) return undefined
    const newer = record.versions
      .map(({ version }) => version)
      .filter(
        ({ image, dating }) =>
          image.id !== currentId && dating.known && (Number.isNaN(built) || dating.builtAt > built)
      )
    if (newer.length === 0) return undefined
    const why = Number.isNaN(built)
      ? 'this image was made now from a CVM image whose build time cannot be read'
      : `this image was made now from a CVM image built before ${newer.map((v) => v.image.id).join(', ')}`
    if (this.rules.length > 0) {
      deps.log.warning(`Older versions of "${this.rule.pattern}" keep their shares: ${why}.`)
    }
    return why
  }

  /**
   * Retires the versions planned to be (unless held back), and offboards the
   * others; resolves to the versions retired in full. A version whose act
   * fails is noted, and the others go on.
   */
  private async takeShares(
    record: RegionLifecycle,
    deps: ShareDeps,
    request: ShareRequest,
    context: ActContext,
    failures: string[]
  ): Promise<Set<VersionRecord>> {
    const retiring = record.skipped === undefined
    if (context.unreadable && retiring && record.toRetire.length > 0) {
      deps.log.warning(
        `The shares of older versions cannot be read here (${context.unreadable.code}), so only the accounts ` +
          'this step lists lose them; any other account keeps its share, and no version is deleted.'
      )
    }
    const offboarding = request.wanted.revoke.length > 0 || request.wanted.revokeUnlisted
    const retired = new Set<VersionRecord>()
    for (const version of record.versions) {
      const { fate, image } = version.version
      const act =
        retiring && (fate === 'retire' || fate === 'delete')
          ? retire
          : offboarding && ['kept-shared', 'retire', 'delete'].includes(fate)
            ? offboard
            : undefined
      if (!act) continue
      try {
        await act(deps, request, version, context)
        if (act === retire) retired.add(version)
      } catch (error) {
        version.note = describeError(error)
        failures.push(`${image.id}: ${describeError(error)}`)
      }
    }
    return retired
  }

  /**
   * Deletes the retired versions planned to be, oldest first, each once a
   * fresh read of the region still places it beyond keep-images (someone may
   * have deleted a newer one meanwhile, the image itself included): a region
   * never keeps fewer than keep-images.
   */
  private async deleteRetired(
    record: RegionLifecycle,
    retired: ReadonlySet<VersionRecord>,
    deps: ShareDeps,
    request: ShareRequest,
    sharesReadable: boolean,
    failures: string[]
  ): Promise<void> {
    const doomed = record.versions.filter((v) => v.version.fate === 'delete' && retired.has(v))
    for (const version of doomed.reverse()) {
      const { image } = version.version
      const held =
        sharesReadable && !request.dryRun
          ? await this.stillBeyondKeep(record, version, deps, request)
          : undefined
      const deletion = held ?? (await remove(deps, request, version, sharesReadable))
      version.deletion = deletion
      if (deletion.result === 'unknown') failures.push(`${image.id}: ${deletion.why}`)
      if (deletion.result === 'kept') {
        deps.log.warning(`${image.id} (${image.name}) is not deleted: ${deletion.why}`)
      }
    }
  }

  /**
   * Why a fresh read of the region no longer lets the version be deleted
   * (gone meanwhile, or fewer than keep-images newer versions left);
   * undefined when it still may be.
   */
  private async stillBeyondKeep(
    record: RegionLifecycle,
    version: VersionRecord,
    deps: ShareDeps,
    request: ShareRequest
  ): Promise<Deletion | undefined> {
    let images: Blueprint[]
    try {
      images = await deps.api.listCustomImages()
    } catch (error) {
      const why = `the region's images could not be read again just before deleting: ${describeError(error)}`
      return { result: 'kept', why }
    }
    const current = record.versions.find((v) => v.version.fate === 'current')
    const fresh = this.planIn(request.region, current?.version.image.id ?? '', images)
    const now = fresh.find((v) => v.image.id === version.version.image.id)
    if (!now) {
      return { result: 'gone', why: "it was gone before this run's call (deleted by someone else)" }
    }
    if (now.fate !== 'delete') {
      const newer = now.rank?.region ?? 0
      return {
        result: 'kept',
        why: `a fresh read of the region no longer places it beyond keep-images (${newer} newer version(s) left here)`
      }
    }
    return undefined
  }

  private familyIn(region: string, images: readonly Blueprint[]): FamilyImage[] {
    return familyImages(images, region, this.rule.pattern, this.builds)
  }

  /** Where the image's own share list could not be read, older versions' cannot be either: not asked again. */
  private unreadable(state: RegionState): Unreadable | undefined {
    const shares = state.record.currentShares
    return shares?.readable === false ? shares : state.unreadable
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
