/**
 * The lifecycle rules, each a pure plan from ranked versions to fates. A
 * version's rank is how many builds are newer than it: among every build the
 * run found in any region (keep-shared: a build beyond the newest N loses its
 * shares everywhere, so the regions agree), and among the versions in its own
 * region (keep-images: a region never keeps fewer than M images of the family).
 * Ties rank together, so a tie keeps both. Only versions older than this
 * image's build are ever planned to change; newer ones still count.
 */
import type { FamilyImage } from './versions.js'

/** A family, and how many of its newest versions keep their shares and stay. */
export interface FamilyRule {
  /** A name pattern, `*` matching any run of characters (e.g. golden-ubuntu-*). */
  pattern: string
  keepShared?: number
  keepImages?: number
}

/** How many builds are newer than a version. */
export interface Rank {
  /** Among the builds found in every region read. */
  builds: number
  /** Among the versions of its own region. */
  region: number
}

/** A rule: the input it comes from, and the act it asks for at a rank (undefined: none). */
export interface LifecycleRule {
  input: 'keep-shared' | 'keep-images'
  act(rank: Rank): 'retire' | 'delete' | undefined
}

/** keep-shared N: builds beyond the newest N lose every share, in every region. */
export const keepShared = (count: number): LifecycleRule => ({
  input: 'keep-shared',
  act: (rank) => (rank.builds >= count ? 'retire' : undefined)
})

/** keep-images M: versions beyond the newest M of their region are deleted (after losing their shares). */
export const keepImages = (count: number): LifecycleRule => ({
  input: 'keep-images',
  act: (rank) => (rank.region >= count ? 'delete' : undefined)
})

export function rulesOf(rule: FamilyRule): LifecycleRule[] {
  return [
    ...(rule.keepShared !== undefined ? [keepShared(rule.keepShared)] : []),
    ...(rule.keepImages !== undefined ? [keepImages(rule.keepImages)] : [])
  ]
}

/** What becomes of one version. */
export type Fate =
  /** The image being shared in this region. */
  | 'current'
  /** Built at or after the image being shared: never touched. */
  | 'newer'
  /** Among the newest keep-shared: keeps its shares (those of offboarded accounts aside). */
  | 'kept-shared'
  /** Loses every share. */
  | 'retire'
  /** Loses every share, then is deleted. */
  | 'delete'
  /** Its build cannot be established: never changed (why: in `unknown`). */
  | 'unknown'

export interface PlannedVersion extends FamilyImage {
  fate: Fate
  rank?: Rank
  /** With fate unknown: why, and what settles it. */
  unknown?: { why: string; settle: string }
}

/** What a region's plan is made against. */
export interface PlanContext {
  /** The image being shared in this region. */
  currentId: string
  /** When its build was made; NaN when unknown (then nothing is ranked). */
  currentBuilt: number
  /** The build times found in every region read, this build's included. */
  buildTimes: readonly number[]
  /**
   * Whether this build counts among the region's versions though its image
   * is not among the images planned from: a copy a dry run would make.
   * Otherwise it counts only while its image is there (one being deleted
   * keeps no older version).
   */
  currentToCome?: boolean
}

const SEVERITY = { retire: 1, delete: 2 } as const

/**
 * The region's versions, newest build first (those not known to be versions
 * last), each with its fate: the most severe act any rule asks for.
 */
export function planRegion(
  images: readonly FamilyImage[],
  context: PlanContext,
  rules: readonly LifecycleRule[]
): PlannedVersion[] {
  const { currentId, currentBuilt } = context
  const currentHere = context.currentToCome || images.some((v) => v.image.id === currentId)
  const regionTimes = [
    ...(currentHere ? [currentBuilt] : []),
    ...images.flatMap((v) => (v.dating.known && v.image.id !== currentId ? [v.dating.builtAt] : []))
  ]
  const newerThan = (times: readonly number[], time: number) =>
    new Set(times.filter((t) => t > time)).size
  const planned = images.map((version): PlannedVersion => {
    const { image, dating } = version
    if (image.id === currentId) return { ...version, fate: 'current' }
    if (!dating.known) return { ...version, fate: 'unknown', unknown: dating }
    if (Number.isNaN(currentBuilt)) {
      return {
        ...version,
        fate: 'unknown',
        unknown: {
          why: 'the build time of the image being shared is not known, so no version is ranked against it',
          settle: 'share an image with a valid CreatedTime'
        }
      }
    }
    if (dating.builtAt >= currentBuilt) return { ...version, fate: 'newer' }
    const rank: Rank = {
      builds: newerThan(context.buildTimes, dating.builtAt),
      region: newerThan(regionTimes, dating.builtAt)
    }
    const acts = rules.map((rule) => rule.act(rank)).filter((act) => act !== undefined)
    const fate = acts.sort((a, b) => SEVERITY[b] - SEVERITY[a])[0] ?? 'kept-shared'
    return { ...version, fate, rank }
  })
  // The image itself first when its time is not known; versions not known to be ones last.
  const order = (v: PlannedVersion): number =>
    v.fate === 'current' && Number.isNaN(currentBuilt)
      ? Infinity
      : v.dating.known
        ? v.dating.builtAt
        : -Infinity
  return planned.sort((x, y) => (order(x) === order(y) ? 0 : order(x) < order(y) ? 1 : -1))
}
