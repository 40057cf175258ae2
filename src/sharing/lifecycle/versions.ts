/**
 * The version model: which images are versions of a family, and when each
 * one's build was made, known only from evidence that survives. An image in
 * the region where builds are made is dated by its own CreatedTime; a copy
 * anywhere by its mark, which names its source and that build's time, so a
 * copy is dated the same in every region, also after its source is deleted.
 * An image whose build cannot be established is not known to be a version:
 * it is never retired or deleted, and the summary says why and how to settle it.
 */
import type { Blueprint } from '../../cloud/lighthouse.js'
import { apiTimeOf } from '../../common/times.js'
import { copyMarker, markedSource } from '../copies.js'
import { FAILED_STATES } from '../wait.js'

/** Whether an image name is of a family: the pattern with `*` matching any run of characters, the rest exactly. */
export function inFamily(name: string, pattern: string): boolean {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.*')}$`, 's').test(name)
}

/** The newest of the caller's own custom images of exactly this name, not in a failed state (one still syncing counts). */
export function newestNamed(images: readonly Blueprint[], name: string): Blueprint | undefined {
  return images
    .filter(
      (b) => b.type === 'PRIVATE' && b.nameAsGiven === name && !FAILED_STATES.includes(b.state)
    )
    .sort((x, y) => (y.createdAt || 0) - (x.createdAt || 0))[0]
}

/** When an image's build was made, or why that cannot be known and what settles it. */
export type Dating =
  { known: true; builtAt: number } | { known: false; why: string; settle: string }

/** The region builds are made in (the step's `region`) and its custom images, by ID: what copies' marks are checked against. */
export interface BuildRegion {
  region: string
  images: ReadonlyMap<string, Blueprint>
}

export function buildRegion(region: string, images: readonly Blueprint[]): BuildRegion {
  return { region, images: new Map(images.map((image) => [image.id, image])) }
}

/** A custom image of the family in a region, with its dating. */
export interface FamilyImage {
  image: Blueprint
  dating: Dating
}

/**
 * The family's images in a region: the caller's own custom images (never a
 * SHARED one, whatever its name) whose names match, not in a failed state,
 * each dated.
 */
export function familyImages(
  images: readonly Blueprint[],
  region: string,
  pattern: string,
  builds: BuildRegion
): FamilyImage[] {
  return images
    .filter(
      (b) =>
        b.type === 'PRIVATE' && inFamily(b.nameAsGiven, pattern) && !FAILED_STATES.includes(b.state)
    )
    .map((image) => ({ image, dating: dateImage(image, region, builds) }))
}

/**
 * When the image's build was made. A mark with a time is the copy's own
 * evidence (checked against its source when the source is still there); a
 * mark without one dates the copy by its source, while the source exists. An
 * unmarked image is a build of its own in the build region, and of unknown
 * origin anywhere else (a copy's CreatedTime is when it was copied, not built).
 */
export function dateImage(image: Blueprint, region: string, builds: BuildRegion): Dating {
  const mark = markedSource(image.description)
  const unknown = (why: string, settle: string): Dating => ({ known: false, why, settle })
  if (mark) {
    const source =
      mark.region === undefined || mark.region === builds.region
        ? builds.images.get(mark.id)
        : undefined
    const sourceBuilt = source ? buildTimeOf(source) : NaN
    const remark = (builtAt: number) =>
      `set its mark: ${markCommand(region, image.id, copyMarker(mark.id, mark.region ?? builds.region, builtAt))}`
    if (mark.badTime) {
      return unknown(
        'its mark names a build time that is not a real time',
        Number.isNaN(sourceBuilt) ? deleteOrMark(region, image.id, mark.id) : remark(sourceBuilt)
      )
    }
    if (!Number.isNaN(mark.builtAt)) {
      if (source && sourceBuilt !== mark.builtAt) {
        return unknown(
          `its mark says its build was made at ${apiTimeOf(mark.builtAt)}, but its source ${mark.id} ` +
            `says ${Number.isNaN(sourceBuilt) ? 'no valid time' : apiTimeOf(sourceBuilt)}`,
          Number.isNaN(sourceBuilt) ? deleteOrMark(region, image.id, mark.id) : remark(sourceBuilt)
        )
      }
      return { known: true, builtAt: mark.builtAt }
    }
    if (!Number.isNaN(sourceBuilt)) return { known: true, builtAt: sourceBuilt }
    return unknown(
      `its mark names ${mark.id}${mark.region ? ` in ${mark.region}` : ''}, which is not there any more, ` +
        'and no build time',
      deleteOrMark(region, image.id, mark.id)
    )
  }
  if (region === builds.region) {
    if (!Number.isNaN(image.createdAt)) return { known: true, builtAt: image.createdAt }
    return unknown(
      image.createdTime
        ? `its CreatedTime "${image.createdTime}" is not a time in the documented form YYYY-MM-DDThh:mm:ssZ`
        : 'the API gives it no CreatedTime',
      `look at it (tccli lighthouse DescribeBlueprints --region ${region} --BlueprintIds '["${image.id}"]'), ` +
        `and delete it by hand if it is an old version (${deleteCommand(region, image.id)})`
    )
  }
  const namesake = [...builds.images.values()].find(
    (b) => b.nameAsGiven === image.nameAsGiven && !markedSource(b.description)
  )
  const namesakeBuilt = namesake ? buildTimeOf(namesake) : NaN
  return unknown(
    `it has no mark saying which build it is a copy of (its CreatedTime is when it was copied, not built)`,
    namesake && !Number.isNaN(namesakeBuilt)
      ? `if it is the copy of ${namesake.id} (of the same name), mark it: ` +
          markCommand(region, image.id, copyMarker(namesake.id, builds.region, namesakeBuilt)) +
          `; if not, delete it when no longer needed (${deleteCommand(region, image.id)})`
      : deleteOrMark(region, image.id, undefined)
  )
}

/** An image's own build time, without its region's list: its mark's, when it is itself a copy; else its CreatedTime. */
export function buildTimeOf(image: Blueprint): number {
  const mark = markedSource(image.description)
  return mark ? mark.builtAt : image.createdAt
}

function markCommand(region: string, id: string, marker: string): string {
  return `tccli lighthouse ModifyBlueprintAttribute --region ${region} --BlueprintId ${id} --Description "${marker}"`
}

function deleteCommand(region: string, id: string): string {
  return `tccli lighthouse DeleteBlueprints --region ${region} --BlueprintIds '["${id}"]'`
}

/** Where the build's time cannot be read anywhere: mark it by hand if you know it, or delete it. */
function deleteOrMark(region: string, id: string, sourceId: string | undefined): string {
  const marker = `Copy of ${sourceId ?? '<source ID>'} from <source region> <build time as YYYYMMDDThhmmssZ>`
  return (
    `if you know its build, mark it (${markCommand(region, id, marker)}); ` +
    `if it is not needed, delete it (${deleteCommand(region, id)})`
  )
}
