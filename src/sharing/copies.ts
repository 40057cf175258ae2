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

/** What the action writes on a copy's description (60 characters at most; this is at most 43). */
export function copyMarker(sourceId: string, sourceRegion: string): string {
  return `Copy of ${sourceId} from ${sourceRegion}`
}

/** Any image's marker: a description of this form names the image it was copied from. */
const ANY_MARKER = /^Copy of (lhbp-[a-z0-9]{8}) from ([a-z]+(?:-[a-z0-9]+)+)$/

/** The image a marked copy was made from, by its description; undefined for an unmarked image. */
export function markedSource(description: string): { id: string; region: string } | undefined {
  const match = ANY_MARKER.exec(description)
  return match ? { id: match[1], region: match[2] } : undefined
}

export type CopySearch =
  /** A copy of the source; `marked` false: recognised by the rule for unmarked copies, to be marked now. */
  | { kind: 'found'; copy: Blueprint; marked: boolean }
  | { kind: 'none' }
  /** Images that may be the copy, and the action cannot tell: nothing is changed in the region. */
  | { kind: 'unclear'; reason: string }

export interface CopySource {
  image: Blueprint
  region: string
  /** Other custom images in the source region with the source's name: read once, and only if needed. */
  namesakes: () => Promise<Blueprint[]>
}

/**
 * The copy of the source in this region: the one image whose description is
 * the source's marker. Without one, an unmarked image is the copy only when
 * nothing else could have made it: a custom image with the source's exact
 * name, made at or after the source, not failed, not marked as another
 * image's copy, the only such image in the region, while the source region
 * has no other image of that name (another build, whose copy it could be).
 */
export async function findCopy(
  api: LighthouseApi,
  region: string,
  source: CopySource
): Promise<CopySearch> {
  // A region that cannot be read is one where nothing can be told: never an error that stops the others.
  return searchCopy(api, region, source).catch((error: unknown): CopySearch => ({
    kind: 'unclear',
    reason: `Could not look for an existing copy: ${describeError(error)}.`
  }))
}

async function searchCopy(
  api: LighthouseApi,
  region: string,
  source: CopySource
): Promise<CopySearch> {
  const marker = copyMarker(source.image.id, source.region)
  const usable = (await api.listCustomImages()).filter((i) => !FAILED_STATES.includes(i.state))
  const marked = usable.filter((i) => i.description === marker)
  if (marked.length === 1) return { kind: 'found', copy: marked[0], marked: true }
  const settle = (images: Blueprint[]) =>
    `To settle it, set the description of the one copy of ${source.image.id} to "${marker}" ` +
    `(tccli lighthouse ModifyBlueprintAttribute --region ${region} --BlueprintId ${images[0].id} ` +
    `--Description "${marker}"), or delete the images that are not its copy; then run the step again.`
  if (marked.length > 1) {
    return {
      kind: 'unclear',
      reason:
        `${ids(marked)} are all marked as copies of ${source.image.id}, and only one may be shared. ` +
        `Nothing was changed in this region. Delete all but one of them (the shares of the one kept are kept).`
    }
  }
  const candidates = usable.filter(
    (i) =>
      i.nameAsGiven === source.image.nameAsGiven &&
      // NaN (no time given) does not rule an image out.
      !(i.createdAt < source.image.createdAt) &&
      !ANY_MARKER.test(i.description)
  )
  if (candidates.length === 0) return { kind: 'none' }
  if (candidates.length > 1) {
    return {
      kind: 'unclear',
      reason:
        `${ids(candidates)} all have the name of ${source.image.id} and no mark of whose copy they are, so the ` +
        `action cannot tell which is its copy. Nothing was changed in this region. ${settle(candidates)}`
    }
  }
  const namesakes = await source.namesakes()
  if (namesakes.length > 0) {
    return {
      kind: 'unclear',
      reason:
        `${candidates[0].id} has the name of ${source.image.id} and no mark of whose copy it is, and ` +
        `${ids(namesakes)} in ${source.region} has that name too, so it may be the copy of another build. ` +
        `Nothing was changed in this region. ${settle(candidates)}`
    }
  }
  return { kind: 'found', copy: candidates[0], marked: false }
}

function ids(images: readonly Blueprint[]): string {
  return images.map((i) => i.id).join(', ')
}
