/**
 * Image families: the newest image of a name, and the older versions of a
 * line that lose their shares and are deleted. The safety rules live here:
 * only versions older than the image being shared are ever changed, only
 * after its own shares succeeded, and an image is deleted only once it has
 * no share left.
 */
import { ApiError, describeError } from '../cloud/api-errors.js'
import type { Blueprint } from '../cloud/lighthouse.js'
import { markedSource } from './copies.js'
import { readCurrentShares, shareBlueprint, type ShareDeps, type ShareRequest } from './share.js'
import { ShareReport, type CurrentShares } from './share-report.js'
import { FAILED_STATES } from './wait.js'

/** A family, and how many of its newest versions keep their shares and stay. */
export interface FamilyRule {
  /** A name pattern, `*` matching any run of characters (e.g. golden-ubuntu-*). */
  pattern: string
  keepShared?: number
  keepImages?: number
}

/** Whether an image name is of a family: the pattern with `*` matching any run of characters, the rest exactly. */
export function inFamily(name: string, pattern: string): boolean {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.*')}$`, 's').test(name)
}

/** The newest custom image of exactly this name, not in a failed state (one still syncing counts). */
export function newestNamed(images: readonly Blueprint[], name: string): Blueprint | undefined {
  return images
    .filter(
      (b) => b.type === 'PRIVATE' && b.nameAsGiven === name && !FAILED_STATES.includes(b.state)
    )
    .sort((x, y) => (y.createdAt || 0) - (x.createdAt || 0))[0]
}

/**
 * When a version was built: a marked copy's is its source's (a copy made
 * today of last month's build is last month's version), anyone else's its
 * own CreatedTime; NaN when unknown.
 */
export function versionTimes(sourceImages: readonly Blueprint[]): (image: Blueprint) => number {
  const built = new Map(sourceImages.map((b) => [b.id, b.createdAt]))
  return (image) => {
    const source = markedSource(image.description)
    return source ? (built.get(source.id) ?? NaN) : image.createdAt
  }
}

/** What becomes of one version. */
export type VersionFate =
  /** The image being shared. */
  | 'current'
  /** Built after the image being shared: never touched. */
  | 'newer'
  /** Among the newest keep-shared. */
  | 'kept-shared'
  /** Loses its shares (older than the image, beyond keep-shared). */
  | 'retire'
  /** Loses its shares, then is deleted (beyond keep-images too). */
  | 'delete'
  /** No CreatedTime: it cannot be ranked, so it is left alone. */
  | 'undated'

export interface Version {
  image: Blueprint
  fate: VersionFate
  /** What happened to it, for the summary; set as the run goes. */
  outcome?: string
  /** Accounts that lost the share (or would, in a dry run). */
  revoked: string[]
}

/**
 * The family in a region, newest first, each version with its fate. Ranked
 * by version time among the versions that are not in a failed state; only a
 * version older than `current` can lose its shares or be deleted.
 */
export function planFamily(
  images: readonly Blueprint[],
  rule: FamilyRule,
  current: Blueprint,
  versionTime: (image: Blueprint) => number,
  currentTime: number
): Version[] {
  const members = images.filter(
    (b) =>
      b.type === 'PRIVATE' &&
      inFamily(b.nameAsGiven, rule.pattern) &&
      (b.id === current.id || !FAILED_STATES.includes(b.state))
  )
  const dated = members
    .filter((b) => b.id === current.id || !Number.isNaN(versionTime(b)))
    .sort((x, y) => timeOf(y) - timeOf(x))
  function timeOf(b: Blueprint): number {
    return b.id === current.id ? currentTime : versionTime(b)
  }
  const versions = dated.map((image, rank): Version => {
    const older = image.id !== current.id && versionTime(image) < currentTime
    const fate: VersionFate =
      image.id === current.id
        ? 'current'
        : !older
          ? 'newer'
          : rule.keepImages !== undefined && rank >= rule.keepImages
            ? 'delete'
            : rule.keepShared !== undefined && rank >= rule.keepShared
              ? 'retire'
              : 'kept-shared'
    return { image, fate, revoked: [] }
  })
  const undated = members
    .filter((b) => b.id !== current.id && Number.isNaN(versionTime(b)))
    .map((image): Version => ({ image, fate: 'undated', revoked: [] }))
  return [...versions, ...undated]
}

/** A region's family after the run: every version, and the IDs for the outputs. */
export interface FamilyOutcome {
  pattern: string
  versions: Version[]
  /** Versions that lost at least one share (in a dry run: would). */
  retired: string[]
  deleted: string[]
}

/** Retiring or deleting failed for some versions: the image's own shares stand. */
export class FamilyError extends Error {
  override name = 'FamilyError'
}

/**
 * Retires and deletes the older versions of the family in the request's
 * region, once the image's own shares succeeded there (the caller checks).
 * A version whose shares could not all be taken fails the region after the
 * others are done; one the API will not delete is kept with a warning.
 */
export async function maintainFamily(
  deps: ShareDeps,
  request: ShareRequest,
  report: ShareReport,
  rule: FamilyRule,
  versionTime: (image: Blueprint) => number,
  currentTime: number,
  /** The region's custom images when just read (the source region's); read here otherwise. */
  listed?: readonly Blueprint[]
): Promise<FamilyOutcome> {
  const { api, log } = deps
  const images = listed ?? (await api.listCustomImages())
  const current = images.find((b) => b.id === request.blueprintId)
  if (!current) throw new FamilyError(`${request.blueprintId} is not among the custom images here.`)
  const versions = planFamily(images, rule, current, versionTime, currentTime)
  const outcome: FamilyOutcome = { pattern: rule.pattern, versions, retired: [], deleted: [] }
  report.family = outcome
  const failures: string[] = []
  // The image's own read tells whether this region serves the share list: it is not asked again per version.
  const unreadable = report.currentShares?.readable === false ? report.currentShares : undefined
  if (unreadable && versions.some((v) => v.fate === 'retire' || v.fate === 'delete')) {
    log.warning(
      `The shares of older versions cannot be read here (${unreadable.code}), so only the accounts this ` +
        'step shares with lose them; any other account keeps its share, and no version is deleted.'
    )
  }

  for (const version of versions) {
    if (version.fate !== 'retire' && version.fate !== 'delete') continue
    const retired = await retire(deps, request, report, version, unreadable).then(
      () => true,
      (error: unknown) => {
        version.outcome = `❌ its shares could not all be taken: ${describeError(error)}`
        failures.push(`${version.image.id}: ${describeError(error)}`)
        return false
      }
    )
    if (!retired) continue
    if (version.revoked.length > 0) outcome.retired.push(version.image.id)
    if (version.fate === 'delete') {
      await remove(deps, request, version, !unreadable, outcome)
    } else {
      version.outcome = `${request.dryRun ? 'would lose' : 'lost'} ${version.revoked.length} share(s)`
    }
  }
  const [lose, deleted] = request.dryRun ? ['would lose', 'would be deleted'] : ['lost', 'deleted']
  log.info(
    `Family "${rule.pattern}": ${versions.length} version(s) here; ${outcome.retired.length} older one(s) ` +
      `${lose} their shares, ${outcome.deleted.length} ${deleted}.`
  )
  if (failures.length > 0) {
    throw new FamilyError(
      `The image is shared, but ${failures.length} older version(s) kept some of their shares: ${failures.join('; ')}`
    )
  }
  return outcome
}

/**
 * Takes every share of an older version: where the share list can be read,
 * all of them (revoke-unlisted with no one listed); where it cannot
 * (`unreadable`), those of the accounts this run shares with, the only ones
 * it knows.
 */
async function retire(
  deps: ShareDeps,
  request: ShareRequest,
  report: ShareReport,
  version: Version,
  unreadable: CurrentShares | undefined
): Promise<void> {
  const { image } = version
  const shares = unreadable ?? (await readCurrentShares(deps.api, image.id))
  const versionReport = new ShareReport(image.id, request.region, report.identity, [], report.show)
  versionReport.dryRun = request.dryRun
  await shareBlueprint(
    { ...deps, log: quiet(deps) },
    {
      ...request,
      blueprintId: image.id,
      accountIds: [],
      revokeAccountIds: shares.readable ? [] : request.accountIds,
      revokeUnlisted: shares.readable
    },
    versionReport,
    { image: image.state === 'NORMAL' ? image : undefined, shares }
  )
  version.revoked = versionReport.accountsWith('revoked')
  const failed = versionReport.failures
  if (failed.length > 0) {
    throw new FamilyError(
      `${failed.length} account(s) kept the share: ${failed.map((a) => `${report.show(a.accountId)} (${a.code ?? a.reason ?? 'unknown'})`).join(', ')}`
    )
  }
}

/** A version's plan lines are its own business: the summary and the family line tell what happened. */
function quiet(deps: ShareDeps): ShareDeps['log'] {
  const { log } = deps
  return { ...log, info: log.debug, group: async (_title, fn) => await fn() }
}

/** Deletes a version that has no share left; one the API refuses to delete is kept with a warning. */
async function remove(
  deps: ShareDeps,
  request: ShareRequest,
  version: Version,
  sharesReadable: boolean,
  outcome: FamilyOutcome
): Promise<void> {
  const { api, log } = deps
  const { image } = version
  const lost = version.revoked.length > 0 ? `lost ${version.revoked.length} share(s); ` : ''
  // Before the dry run's answer, so that it says what the real run would do.
  if (!sharesReadable) {
    version.outcome = `${request.dryRun ? lost.replace('lost', 'would lose') : lost}kept: its shares cannot be read here, so it is not known to have none`
    log.warning(
      `${image.id} (${image.name}) is not deleted: it is not known to have no share left.`
    )
    return
  }
  if (request.dryRun) {
    version.outcome = `${lost.replace('lost', 'would lose')}would be deleted`
    outcome.deleted.push(image.id)
    return
  }
  // Read again just before: nothing is deleted that still has a share.
  const left = await api.listSharedAccounts(image.id)
  if (left.length > 0) {
    version.outcome = `${lost}kept: ${left.length} share(s) appeared since`
    log.warning(
      `${image.id} (${image.name}) is not deleted: ${left.length} account(s) have its share again.`
    )
    return
  }
  try {
    const requestId = await api.deleteBlueprint(image.id)
    version.outcome = `${lost}deleted (RequestId ${requestId})`
    outcome.deleted.push(image.id)
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'gone') {
      version.outcome = `${lost}already gone`
      return
    }
    const inUse = error instanceof ApiError && error.kind === 'not-deletable'
    version.outcome = `${lost}kept: ${inUse ? error.hint : describeError(error)}`
    log.warning(`${image.id} (${image.name}) is not deleted: ${describeError(error)}`)
  }
}

/**
 * What runs in each region after its image's shares: the family's older
 * versions there are retired and deleted, unless some share of the image
 * failed (a customer must never be left without a current version).
 * `source` is the image being shared, and `sourceImages` the custom images of
 * its region, which date the copies in the others.
 */
export function keepFamily(
  rule: FamilyRule,
  request: ShareRequest,
  source: Blueprint,
  sourceImages: readonly Blueprint[]
): ((deps: ShareDeps, report: ShareReport) => Promise<void>) | undefined {
  // Without keep-shared (and so without keep-images), no version is changed.
  if (rule.keepShared === undefined) return undefined
  const versionTime = versionTimes(sourceImages)
  return async (deps, report) => {
    const unsettled = report.failures
    if (unsettled.length > 0) {
      deps.log.warning(
        `Older versions of "${rule.pattern}" keep their shares: ${unsettled.length} account(s) did not get ` +
          'this image, and must not be left without a version.'
      )
      return
    }
    await maintainFamily(
      deps,
      { ...request, region: report.region, blueprintId: report.blueprintId },
      report,
      rule,
      versionTime,
      source.createdAt,
      // The source region's images were read to choose the image; the copies' regions are read now.
      report.region === request.region ? sourceImages : undefined
    )
  }
}
