/**
 * Which image to share: by ID, or the newest custom image of a name; with a
 * family, the image's region is read once, both to check the image against
 * the family and to rank its versions later.
 */
import type { Blueprint, LighthouseApi } from '../cloud/lighthouse.js'
import type { Logger } from '../common/logger.js'
import { inFamily, newestNamed } from './lifecycle/versions.js'

interface NoSelector {
  id?: undefined
  name?: undefined
  cvmImage?: undefined
  plannedFrom?: undefined
}

/**
 * The image as the inputs name it: by ID, by name, or as the CVM image it
 * is to be made from; after that step, a blueprint that a dry run would make.
 */
export type ImageSelector =
  | (Omit<NoSelector, 'id'> & {
      id: string
      /** Read NORMAL just now (a blueprint this run made or found). */ ready?: Blueprint
    })
  | (Omit<NoSelector, 'name'> & { name: string })
  | (Omit<NoSelector, 'cvmImage'> & { cvmImage: string })
  | (Omit<NoSelector, 'plannedFrom'> & { plannedFrom: string })

export interface ChosenImage {
  /** '' for a blueprint a dry run would make (planned). */
  id: string
  /** The CVM image a dry run would make the blueprint from: there is none to read yet. */
  planned?: string
  /** The image as read in its region's list (by name, or with a family); absent when the list was not read. */
  found?: Blueprint
  /** The region's custom images, when read: what a family ranks its versions by. */
  images: Blueprint[]
}

/** The image cannot be used as the inputs name it: no image of that name, or not of the family. */
export class ImageChoiceError extends Error {
  override name = 'ImageChoiceError'
}

/**
 * The image to share: by ID (read only with a family, and then checked
 * against it before anything changes), or by name, the newest of exactly
 * that name (images in a failed state do not count).
 */
export async function chooseImage(
  api: LighthouseApi,
  selector: ImageSelector,
  context: { region: string; familyPattern?: string },
  log: Logger
): Promise<ChosenImage> {
  const { region, familyPattern } = context
  if (selector.plannedFrom !== undefined)
    return { id: '', images: [], planned: selector.plannedFrom }
  if (selector.cvmImage !== undefined)
    throw new Error('A CVM image is made a blueprint before it is chosen.')
  if (selector.id !== undefined && familyPattern === undefined) {
    return { id: selector.id, found: selector.ready, images: [] }
  }
  const images = await api.listCustomImages()
  if (selector.name !== undefined) {
    const found = newestNamed(images, selector.name)
    if (!found) {
      throw new ImageChoiceError(
        `Input "blueprint-name": no custom image in ${region} is named exactly "${selector.name}" ` +
          '(images in a failed state do not count). Check the name and "region".'
      )
    }
    const named = images.filter((b) => b.nameAsGiven === selector.name).length
    log.info(
      `"${found.name}" is ${found.id} (${found.state}), the newest of ${named} custom image(s) of that name in ${region}.`
    )
    return { id: found.id, found, images }
  }
  const found = images.find((b) => b.id === selector.id)
  if (found && familyPattern !== undefined && !inFamily(found.nameAsGiven, familyPattern)) {
    throw new ImageChoiceError(
      `Input "blueprint-id" is ${found.id}, named "${found.name}", which does not match "family" ` +
        `("${familyPattern}"): the image shared must be a version of the family.`
    )
  }
  return { id: selector.id, found, images }
}
