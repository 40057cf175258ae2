/** blueprint-id, blueprint-name or image-id: which image to share, exactly one. */
import { isBlueprintId, isCvmImageId } from '../../common/ids.js'
import type { ImageSelector } from '../../sharing/image.js'
import { INPUT, InputError, named, type Inputs } from './names.js'

/** Image names are at most 60 characters (ModifyBlueprintAttribute's limit). */
const MAX_NAME_LENGTH = 60

export function readImage(inputs: Inputs, region: string): ImageSelector {
  const id = inputs.given(INPUT.blueprintId)
  const name = inputs.given(INPUT.blueprintName)
  const cvm = inputs.given(INPUT.imageId)
  const given = (
    [
      [INPUT.blueprintId, id],
      [INPUT.blueprintName, name],
      [INPUT.imageId, cvm]
    ] as const
  ).filter(([, value]) => value)
  if (given.length > 1) {
    // Two of them, as before image-id: named, then their values.
    throw new InputError(
      `Inputs ${given.map(([input]) => named(input)).join(' and ')} are ${given.length === 2 ? 'both' : 'all'} set ` +
        `(${given.map(([, value]) => `"${value}"`).join(', ')}): give one.`
    )
  }
  if (given.length === 0) {
    throw new InputError(
      `Input ${named(INPUT.blueprintId)} is required (or ${named(INPUT.blueprintName)}, to share the newest ` +
        `custom image of that name, or ${named(INPUT.imageId)}, to share a CVM custom image as a blueprint).`
    )
  }
  if (cvm) return { cvmImage: cvmImageIn(cvm, region) }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InputError(
      `Input ${named(INPUT.blueprintName)} is longer than an image name can be (${MAX_NAME_LENGTH} characters): "${name}".`
    )
  }
  if (name) return { name }
  if (!isBlueprintId(id)) {
    throw new InputError(
      `Input ${named(INPUT.blueprintId)} is not a Lighthouse blueprint ID: "${id}". ` +
        'Expected "lhbp-" followed by 8 lowercase letters or digits, e.g. lhbp-6jc6l8yb.'
    )
  }
  return { id }
}

/**
 * image-id: a CVM image ID, or Packer's artifact ID (region:image, several
 * comma-separated for several regions), whose entry for `region` is used.
 */
function cvmImageIn(value: string, region: string): string {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const expected =
    "Expected a CVM image ID (img- followed by 8 lowercase letters or digits) or Packer's artifact ID " +
    '(ap-guangzhou:img-xxxxxxxx, several comma-separated).'
  const parsed = entries.map((entry) => {
    const [where, image] = entry.includes(':') ? entry.split(':', 2) : [undefined, entry]
    if (!isCvmImageId(image) || (where !== undefined && !/^[a-z]+-[a-z]+(-\d+)?$/.test(where))) {
      throw new InputError(
        `Input ${named(INPUT.imageId)} has "${entry}", which is not one. ${expected}`
      )
    }
    return { region: where, image }
  })
  const bare = parsed.filter((entry) => entry.region === undefined)
  if (bare.length > 0) {
    if (parsed.length === 1) return bare[0].image
    throw new InputError(
      `Input ${named(INPUT.imageId)} lists ${parsed.length} images, not all with a region: "${value}". ` +
        "Give one image ID, or region:image entries (Packer's artifact ID)."
    )
  }
  const here = parsed.filter((entry) => entry.region === region)
  if (here.length !== 1) {
    throw new InputError(
      `Input ${named(INPUT.imageId)} ("${value}") has ${here.length === 0 ? 'no' : 'more than one'} image for ` +
        `${named(INPUT.region)} ${region}: give the artifact of a build in that region.`
    )
  }
  return here[0].image
}
