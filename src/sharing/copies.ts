/**
 * Telling a copy of the source apart from every other image: the rule. The
 * one certain link is SyncBlueprint's answer, at the moment of copying; the
 * action then writes it on the copy, as its description, so later runs can
 * read it. An image it cannot tell is a copy is never shared, revoked or
 * reported as one.
 */
import { describeError } from '../cloud/api-errors.js'
import type { Blueprint, LighthouseApi } from '../cloud/lighthouse.js'
import { FAILED_STATES } from './wait.js'
import { compactTime, parseCompactTime } from '../common/times.js'

/** ModifyBlueprintAttribute takes a description of at most 60 characters. */
const DESCRIPTION_LIMIT = 60

/**
 * What the action writes on a copy's description: the image it was copied
 * from, its region, and when that build was made (so the copy can be dated
 * after its source is deleted), e.g.
 * "Copy of lhbp-6jc6l8yb from ap-singapore 20261101T000000Z". The region is
 * left out when the whole would not fit in 60 characters; the time, when the
 * build's time is not known.
 */
export function copyMarker(sourceId: string, sourceRegion: string, builtAt = NaN): string {
  const time = Number.isNaN(builtAt) ? '' : ` ${compactTime(builtAt)}`
  const full = `Copy of ${sourceId} from ${sourceRegion}${time}`
  return full.length <= DESCRIPTION_LIMIT ? full : `Copy of ${sourceId}${time}`
}

/** Any image's marker, as this and earlier releases wrote it: whose copy it is, and maybe its region and build time. */
const ANY_MARKER =
  /^Copy of (lhbp-[a-z0-9]{8})(?: from ([a-z]+(?:-[a-z0-9]+)+))?(?: (\d{8}T\d{6}Z))?$/

/** What a copy's mark says; `builtAt` is NaN when it names no time (or one that is none). */
export interface CopyMark {
  id: string
  region?: string
  builtAt: number
  /** The mark names a time, but not a real one. */
  badTime: boolean
}

/** The image a marked copy was made from, by its description; undefined for an unmarked image. */
export function markedSource(description: string): CopyMark | undefined {
  const match = ANY_MARKER.exec(description)
  if (!match) return undefined
  const builtAt = match[3] ? parseCompactTime(match[3]) : NaN
  return { id: match[1], region: match[2], builtAt, badTime: !!match[3] && Number.isNaN(builtAt) }
}

/** Whether a mark names this image, in this region, as the source. */
export function marksCopyOf(mark: CopyMark | undefined, sourceId: string, sourceRegion: string) {
  return mark?.id === sourceId && (mark.region === undefined || mark.region === sourceRegion)
}

export type CopySearch = (
  | /** A copy of the source; `marked` false: its mark must be written (none, or one from before marks had times). */
    { kind: 'found'; copy: Blueprint; marked: boolean }
  | { kind: 'none' }
  /** Images that may be the copy, and the action cannot tell: nothing is changed in the region. */
  | { kind: 'unclear'; reason: string }
) & {
  /** The region's custom images as read for the search (undefined when they could not be read). */
  images?: Blueprint[]
}

export interface CopySource {
  image: Blueprint
  region: string
  /** When the source's build was made (its mark's time, or its own CreatedTime); NaN when unknown. */
  builtAt: number
  /** Other custom images in the source region with the source's name: read once, and only if needed. */
  namesakes: () => Promise<Blueprint[]>
}

/**
 * The copy of the source in this region: the one image whose mark names the
 * source. Without one, an unmarked image is the copy only when nothing else
 * could have made it: a custom image with the source's exact name, made at
 * or after the source, not failed, not marked as another image's copy, the
 * only such image in the region, while the source region has no other image
 * of that name (another build, whose copy it could be).
 */
export async function findCopy(
  api: LighthouseApi,
  region: string,
  source: CopySource
): Promise<CopySearch> {
  // A region that cannot be read is one where nothing can be told: never an error that stops the others.
  let images: Blueprint[]
  try {
    images = await api.listCustomImages()
  } catch (error) {
    return {
      kind: 'unclear',
      reason: `Could not look for an existing copy: ${describeError(error)}.`
    }
  }
  const search = await searchCopy(images, region, source).catch((error: unknown): CopySearch => ({
    kind: 'unclear',
    reason: `Could not look for an existing copy: ${describeError(error)}.`
  }))
  return { ...search, images }
}

async function searchCopy(
  images: readonly Blueprint[],
  region: string,
  source: CopySource
): Promise<CopySearch> {
  const marker = copyMarker(source.image.id, source.region, source.builtAt)
  const usable = images.filter((i) => !FAILED_STATES.includes(i.state))
  const marked = usable.filter((i) =>
    marksCopyOf(markedSource(i.description), source.image.id, source.region)
  )
  if (marked.length === 1) {
    return { kind: 'found', copy: marked[0], marked: marked[0].description === marker }
  }
  const settle = (images: Blueprint[]) =>
    `To settle it, set the description of the one copy of ${source.image.id} to "${marker}" ` +
    `(tccli lighthouse ModifyBlueprintAttribute --region ${region} --BlueprintId ${images[0].id} ` +
    `--Description "${marker}"), or delete the images that are not its copy; then run the step again.`
  if (marked.length > 1) {
    return {
      kind: 'unclear',
      reason:
        `${ids(marked)} are all marked as copies of ${source.image.id}, and only one may be shared. ` +
        `No copy was made or shared here. Delete all but one of them (the shares of the one kept are kept).`
    }
  }
  const candidates = usable.filter(
    (i) =>
      i.nameAsGiven === source.image.nameAsGiven &&
      // NaN (no time given) does not rule an image out.
      !(i.createdAt < source.image.createdAt) &&
      !markedSource(i.description)
  )
  if (candidates.length === 0) return { kind: 'none' }
  if (candidates.length > 1) {
    return {
      kind: 'unclear',
      reason:
        `${ids(candidates)} all have the name of ${source.image.id} and no mark of whose copy they are, so the ` +
        `action cannot tell which is its copy. No copy was made or shared here. ${settle(candidates)}`
    }
  }
  const namesakes = await source.namesakes()
  if (namesakes.length > 0) {
    return {
      kind: 'unclear',
      reason:
        `${candidates[0].id} has the name of ${source.image.id} and no mark of whose copy it is, and ` +
        `${ids(namesakes)} in ${source.region} has that name too, so it may be the copy of another build. ` +
        `No copy was made or shared here. ${settle(candidates)}`
    }
  }
  return { kind: 'found', copy: candidates[0], marked: false }
}

function ids(images: readonly Blueprint[]): string {
  return images.map((i) => i.id).join(', ')
}
