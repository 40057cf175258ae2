/**
 * The chaos test's family world: older versions in the source region and,
 * now and then, their marked copies in the copy regions (some already gone
 * from the source, as when those regions were skipped a week), with the
 * evidence made fragile (a CreatedTime answered as "0", another account's
 * image named like the family, a list that moves while it is paged, copies
 * that cannot be marked); and the invariants every irreversible act keeps.
 */
import { apiTime, type LighthouseEmulator } from '../emulator/lighthouse-emulator.js'

const DAY = 86_400_000
export const FAMILY_PATTERN = 'golden-fam-*'
export const FAMILY_NAME = 'golden-fam-v50'
export const NEWER_VERSION = 'lhbp-famnew01'
export const THEIRS = 'lhbp-theirs01'
export const olderVersionId = (i: number) => `lhbp-famold0${i}`
const copyId = (region: number, i: number) => `lhbp-famcpy${region}${i}`

export interface FamilyScenario {
  /** Older versions, newest first: their shares. */
  older: string[][]
  /** A version built after the image, with shares: never to be touched. */
  newer?: string[]
  keepShared: number
  keepImages?: number
  /** The oldest version is in use: it cannot be deleted. */
  oldestInUse: boolean
}

/** Fragile evidence, drawn last so that older seeds keep their scenarios. */
export interface EvidenceScenario {
  /**
   * The older versions have marked copies (with their build time) in every
   * copy region, shared as in the source; the source region already lost
   * those beyond keep-images (a week the copy regions were skipped).
   */
  copiedVersions: boolean
  /** ModifyBlueprintAttribute is refused: a copy cannot be marked. */
  unmarkable: boolean
  /** The newest older version has its CreatedTime answered as "0" in the source region. */
  oddTime: boolean
  /** Another account's (SHARED) image named like the family, the newest, slips into the lists. */
  sharedNamesake: boolean
  /** 98 more images in the source region, newer than the family, and one made while their pages are read. */
  filler: boolean
  /** 50 more organization members, one leaving and one joining between the members' pages. */
  swap: boolean
  /** With copied versions: the second copy region never got the newest older build (its copy failed that week). */
  missedCopy: boolean
  /** A family is copied to both copy regions, where the scenario drew no copies. */
  copyFamily: boolean
  /** With a swap, revoke-unlisted is on: a member the shift skipped must keep its share. */
  unlistedSwap: boolean
  /** keep-shared two more: older versions that keep their shares, where offboarding must reach. */
  keepMore: boolean
}

export function drawEvidence(chance: (p: number) => boolean): EvidenceScenario {
  return {
    copiedVersions: chance(0.5),
    unmarkable: chance(0.2),
    oddTime: chance(0.3),
    sharedNamesake: chance(0.3),
    filler: chance(0.25),
    swap: chance(0.4),
    missedCopy: chance(0.3),
    copyFamily: chance(0.5),
    unlistedSwap: chance(0.5),
    keepMore: chance(0.4)
  }
}

/** One image of the family world as set up: where, which build, its shares then. */
interface WorldImage {
  id: string
  region: string
  /** The build it is a version of: an index into the older versions, or 'current' / 'newer'. */
  build: number | 'current' | 'newer'
  shares: string[]
  /** Its build cannot be known (its CreatedTime, or its source's, is answered as "0"). */
  unknown: boolean
}

export interface FamilyWorld {
  images: WorldImage[]
  /** Build times: the older versions', by index; the image's; the newer one's. */
  builtAt: (build: WorldImage['build']) => number
  /** Older versions the source region lost a week ago (beyond keep-images): they live on as copies. */
  goneFromSource: Set<number>
  /** Rewrites the lists the API answers: the "0" time, another account's image. */
  mangle?: (response: Record<string, unknown>) => unknown
}

/** Sets the family world up in the emulator (the image itself is there already). */
export function setUpFamily(
  emulator: LighthouseEmulator,
  family: FamilyScenario,
  evidence: EvidenceScenario,
  context: {
    created: number
    region: string
    copyRegions: readonly string[]
    copying: boolean
    /** Where the share list can be read: only there are images ever deleted. */
    sharesReadable: boolean
  }
): FamilyWorld {
  const { created, region, copyRegions } = context
  const builtAt = (build: WorldImage['build']) =>
    build === 'current'
      ? created
      : build === 'newer'
        ? created + 600_000
        : created - (build + 1) * DAY
  const copied = evidence.copiedVersions && context.copying
  // The newest older version's CreatedTime is answered as "0": it is no version anyone can rank.
  const odd = evidence.oddTime ? 0 : undefined
  // Beyond keep-images in the source region (the newer one and the image counted, the odd one not):
  // deleted a week ago, while the copy regions were skipped.
  const goneFromSource = new Set(
    copied && family.keepImages !== undefined && context.sharesReadable
      ? family.older.flatMap((_, i) => {
          const newer =
            1 + (family.newer ? 1 : 0) + [...Array(i).keys()].filter((j) => j !== odd).length
          return i !== odd && newer >= family.keepImages! ? [i] : []
        })
      : []
  )
  const images: WorldImage[] = []
  for (const [i, shares] of family.older.entries()) {
    const name = `golden-fam-v${40 - i}`
    if (!goneFromSource.has(i)) {
      emulator.addBlueprint({
        id: olderVersionId(i),
        name,
        sharedWith: shares,
        createdTime: apiTime(new Date(builtAt(i)))
      })
      images.push({ id: olderVersionId(i), region, build: i, shares, unknown: i === odd })
    }
    if (!copied) continue
    for (const [r, copyRegion] of copyRegions.entries()) {
      if (evidence.missedCopy && r === 1 && i === 0) continue
      const built = compact(builtAt(i))
      emulator.addBlueprint({
        id: copyId(r, i),
        region: copyRegion,
        name,
        description: `Copy of ${olderVersionId(i)} from ${region} ${built}`,
        // Copied some days after the build, the older ones last (a re-run).
        createdTime: apiTime(new Date(created - DAY + i * 60_000)),
        sharedWith: shares
      })
      emulator.blueprint(copyId(r, i)).copiedFrom = olderVersionId(i)
      // The source's "0" makes its copies' marks disagree with it: no evidence either.
      images.push({ id: copyId(r, i), region: copyRegion, build: i, shares, unknown: i === odd })
    }
  }
  const oldest = family.older.length - 1
  if (family.oldestInUse && !goneFromSource.has(oldest)) emulator.inUse.add(olderVersionId(oldest))
  if (family.newer) {
    emulator.addBlueprint({
      id: NEWER_VERSION,
      name: 'golden-fam-v60',
      sharedWith: family.newer,
      createdTime: apiTime(new Date(builtAt('newer')))
    })
    images.push({ id: NEWER_VERSION, region, build: 'newer', shares: family.newer, unknown: false })
    // Its own run copied it too: the copy regions have every build the source has.
    for (const [r, copyRegion] of copied ? copyRegions.entries() : []) {
      const id = `lhbp-famcpn${r}0`
      emulator.addBlueprint({
        id,
        region: copyRegion,
        name: 'golden-fam-v60',
        description: `Copy of ${NEWER_VERSION} from ${region} ${compact(builtAt('newer'))}`,
        createdTime: apiTime(new Date(builtAt('newer') + 60_000)),
        sharedWith: family.newer
      })
      images.push({ id, region: copyRegion, build: 'newer', shares: family.newer, unknown: false })
    }
  }
  if (evidence.sharedNamesake) {
    emulator.addBlueprint({ id: THEIRS, name: 'golden-fam-v99', type: 'SHARED' })
  }
  if (evidence.filler) {
    // Newer than every version, so the family straddles the first page's end, where a shift repeats one.
    for (let i = 0; i < 98; i++) {
      emulator.addBlueprint({
        id: `lhbp-fill${String(i).padStart(4, '0')}`,
        name: `filler-${i}`,
        createdTime: apiTime(new Date(Date.now() - i * 1000))
      })
    }
    // Made as the second page of the first list is asked for: the pages shift.
    emulator.before(
      'DescribeBlueprints',
      () => emulator.addBlueprint({ id: 'lhbp-fillnew0', name: 'filler-new' }),
      { nth: 2 }
    )
  }
  const oddId = odd === undefined ? undefined : olderVersionId(odd)
  const theirs = evidence.sharedNamesake ? listedTheirs() : undefined
  const mangle =
    oddId || theirs
      ? (response: Record<string, unknown>) => {
          const set = response.BlueprintSet
          if (!Array.isArray(set)) return response
          const images = (set as Record<string, unknown>[]).map((image) =>
            image.BlueprintId === oddId ? { ...image, CreatedTime: '0' } : image
          )
          return theirs
            ? {
                ...response,
                TotalCount: (response.TotalCount as number) + 1,
                BlueprintSet: [theirs, ...images]
              }
            : { ...response, BlueprintSet: images }
        }
      : undefined
  return { images, builtAt, goneFromSource, mangle }
}

/** Another account's image as a list would carry it, were the custom-image filter not kept. */
function listedTheirs(): Record<string, unknown> {
  return {
    BlueprintId: THEIRS,
    BlueprintName: 'golden-fam-v99',
    BlueprintType: 'SHARED',
    BlueprintState: 'NORMAL',
    Description: null,
    CreatedTime: apiTime(new Date())
  }
}

const compact = (ms: number) => apiTime(new Date(ms)).replace(/[-:]/g, '')

/** What a run reported of the older versions, per region. */
type OlderVersions = Record<
  string,
  Record<string, { 'revoked-account-ids': string[]; 'failed-account-ids': string[]; image: string }>
>

/** Who may lose a share of a version kept shared: the revoked, and with revoke-unlisted whoever is not listed or still a member. */
export interface Offboardable {
  (accountId: string): boolean
}

const sharesNow = (emulator: LighthouseEmulator, id: string): string[] | undefined => {
  const image = [...emulator.allBlueprints()].find((b) => b.id === id)
  return image && image.state !== 'DELETING' ? [...image.shares.keys()] : undefined
}

/**
 * The lifecycle's invariants after a run: an image is deleted only if it is
 * a known version, older than the newest keep-images versions of its region
 * by build date, without shares, and not this image; a version kept shared
 * loses only offboarded accounts; no older version gains an account; every
 * share taken and every image deleted is in the outputs.
 */
export function checkLifecycle(
  emulator: LighthouseEmulator,
  family: FamilyScenario,
  world: FamilyWorld,
  run: {
    dryRun: boolean
    /** The regions the run acts in: the source, and copy-to-regions. */
    regions: readonly string[]
    offboardable: Offboardable
    outputs: Record<string, string>
  }
): string[] {
  const broken: string[] = []
  const older = JSON.parse(run.outputs['older-versions'] ?? '{}') as OlderVersions
  const known = world.images.filter((image) => !image.unknown)
  // Build ranks over every build known (the image's too), as keep-shared counts them.
  const builds = [...new Set(['current' as const, ...known.map((i) => i.build)].map(world.builtAt))]
  const newerBuilds = (time: number, times: number[]) => new Set(times.filter((t) => t > time)).size

  broken.push(...checkDeletions(emulator, family, world, [run.outputs], run.dryRun))

  for (const image of world.images) {
    const now = sharesNow(emulator, image.id)
    const lost = image.shares.filter((a) => !now?.includes(a))
    const gained = (now ?? []).filter((a) => !image.shares.includes(a))
    if (gained.length > 0) broken.push(`${image.id}, an older version, gained ${gained.join(', ')}`)
    if (run.dryRun && (lost.length > 0 || !now)) broken.push(`a dry run changed ${image.id}`)
    // Outside the run's regions, newer, or of a build that cannot be known: never changed.
    if (!run.regions.includes(image.region) || image.build === 'newer' || image.unknown) {
      if (lost.length > 0 || !now)
        broken.push(`${image.id} (newer, or of unknown build) was changed`)
      continue
    }
    if (typeof image.build !== 'number') continue
    const rank = newerBuilds(world.builtAt(image.build), builds)
    if (rank < family.keepShared) {
      const wrongly = lost.filter((a) => !run.offboardable(a))
      if (wrongly.length > 0) {
        broken.push(
          `${image.id}, among the newest ${family.keepShared}, lost ${wrongly.join(', ')}`
        )
      }
    }
    const reported = older[image.region]?.[image.id]
    const unreported = lost.filter(
      (a) =>
        !reported?.['revoked-account-ids'].includes(a) &&
        !reported?.['failed-account-ids'].includes(a)
    )
    if (unreported.length > 0) {
      broken.push(`${image.id} lost ${unreported.join(', ')} unreported in older-versions`)
    }
  }
  return broken
}

/**
 * Every image deleted (by this run, or a re-run: `outputs` has each run's)
 * is a known older version with at least keep-images newer versions in its
 * region by build date, and is in deleted-blueprint-ids (or, a delete that
 * may have worked, in older-versions); nothing named there was not deleted.
 */
export function checkDeletions(
  emulator: LighthouseEmulator,
  family: FamilyScenario,
  world: FamilyWorld,
  outputs: readonly Record<string, string>[],
  dryRun: boolean
): string[] {
  const broken: string[] = []
  const runs = outputs.map((o) => ({
    older: JSON.parse(o['older-versions'] ?? '{}') as OlderVersions,
    deleted: JSON.parse(o['deleted-blueprint-ids'] ?? '{}') as Record<string, string[]>
  }))
  const known = world.images.filter((image) => !image.unknown)
  const newerBuilds = (time: number, times: number[]) => new Set(times.filter((t) => t > time)).size
  const byId = new Map(world.images.map((image) => [image.id, image]))
  for (const gone of emulator.deleted) {
    const image = byId.get(gone.id)
    if (!image || image.unknown || typeof image.build !== 'number') {
      broken.push(`${gone.id} was deleted, and it is not a known older version`)
      continue
    }
    // The region's versions at the start (the image's build is there: its copy, or the image).
    const regionTimes = [
      world.builtAt('current'),
      ...known.filter((i) => i.region === gone.region).map((i) => world.builtAt(i.build))
    ]
    const newer = newerBuilds(world.builtAt(image.build), regionTimes)
    if (family.keepImages === undefined || newer < family.keepImages) {
      broken.push(`${gone.id} was deleted with only ${newer} newer version(s) in ${gone.region}`)
    }
    const reported = runs.some(
      (r) =>
        r.deleted[gone.region]?.includes(gone.id) ||
        r.older[gone.region]?.[gone.id]?.image === 'unknown'
    )
    if (!reported) broken.push(`${gone.id} was deleted unreported`)
  }
  for (const { deleted } of runs) {
    for (const [region, ids] of Object.entries(deleted)) {
      for (const id of ids) {
        if (!dryRun && !emulator.deleted.some((d) => d.id === id)) {
          broken.push(`${id} is in deleted-blueprint-ids of ${region} but was not deleted`)
        }
      }
    }
  }
  return broken
}

/**
 * After a fault-free re-run that succeeded everywhere, every region agrees
 * with the source region on which older builds are shared, and on which
 * exist: a copy region keeps a build the source deleted only while it has
 * fewer than keep-images newer versions of its own (it missed a build), and
 * never deletes one the source keeps (unless the source's is in use).
 */
export function checkAgreement(
  emulator: LighthouseEmulator,
  family: FamilyScenario,
  world: FamilyWorld,
  regions: readonly string[]
): string[] {
  const broken: string[] = []
  const [source, ...copies] = regions
  const state = (id: string | undefined) => {
    const shares = id ? sharesNow(emulator, id) : undefined
    return shares === undefined ? 'gone' : shares.length > 0 ? 'shared' : 'not shared'
  }
  for (const i of family.older.keys()) {
    const at = (region: string) =>
      world.images.find((image) => image.region === region && image.build === i)
    const sourceImage = world.goneFromSource.has(i) ? undefined : at(source)
    if (sourceImage && emulator.inUse.has(sourceImage.id)) continue
    for (const region of copies) {
      const copy = at(region)
      if (!copy) continue
      const [here, there] = [state(sourceImage?.id), state(copy.id)]
      if (here === there) continue
      if (here === 'gone' && there === 'not shared') {
        const newer = world.images.filter(
          (image) =>
            image.region === region &&
            !image.unknown &&
            world.builtAt(image.build) > world.builtAt(i)
        ).length
        // Its own region's newer versions, the image's copy among them.
        if (family.keepImages !== undefined && newer + 1 < family.keepImages) continue
      }
      broken.push(
        `after a fault-free re-run, build ${i} is ${here} in the source region and ${there} in ${region}`
      )
    }
  }
  return broken
}

/**
 * Offboarding reached every version kept shared: on success, none still has
 * a revoked account, and with revoke-unlisted none has an account that is
 * neither listed nor possibly a member.
 */
export function checkOffboarded(
  emulator: LighthouseEmulator,
  family: FamilyScenario,
  world: FamilyWorld,
  run: {
    regions: readonly string[]
    revoked: (a: string) => boolean
    mayKeep: (a: string) => boolean
  }
): string[] {
  const known = world.images.filter((image) => !image.unknown)
  const builds = [...new Set(['current' as const, ...known.map((i) => i.build)].map(world.builtAt))]
  return known.flatMap((image) => {
    if (!run.regions.includes(image.region) || typeof image.build !== 'number') return []
    const rank = new Set(builds.filter((t) => t > world.builtAt(image.build))).size
    if (rank >= family.keepShared) return []
    const left = (sharesNow(emulator, image.id) ?? []).filter(
      (a) => run.revoked(a) || !run.mayKeep(a)
    )
    return left.length > 0 ? [`${image.id}, kept shared, still has ${left.join(', ')}`] : []
  })
}
