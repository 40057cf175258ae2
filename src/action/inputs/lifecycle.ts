/** family, keep-shared and keep-images: the last two need the first, and keep-images at least keep-shared. */
import { inFamily } from '../../sharing/lifecycle/versions.js'
import type { FamilyRule } from '../../sharing/lifecycle/rules.js'
import type { ImageSelector } from '../../sharing/image.js'
import { parseCount } from './parse.js'
import { INPUT, InputError, named, type Inputs } from './names.js'

export function readFamily(inputs: Inputs, image: ImageSelector): FamilyRule | undefined {
  const pattern = inputs.given(INPUT.family)
  const keepShared = parseCount(inputs.given(INPUT.keepShared), INPUT.keepShared)
  const keepImages = parseCount(inputs.given(INPUT.keepImages), INPUT.keepImages)
  const [family, shared, images] = [INPUT.family, INPUT.keepShared, INPUT.keepImages].map(named)
  if (!pattern) {
    const given = [INPUT.keepShared, INPUT.keepImages].filter((name) => inputs.given(name))
    if (given.length > 0) {
      throw new InputError(
        `Input ${given.map(named).join(' and ')} needs ${family}: the name pattern of the image's ` +
          'versions (e.g. golden-ubuntu-*), so that no other image is ever retired or deleted.'
      )
    }
    return undefined
  }
  if (!pattern.replace(/\*/g, '').trim()) {
    throw new InputError(
      `Input ${family} is "${pattern}", which matches every image: give the name pattern of one line of images ` +
        '(e.g. golden-ubuntu-*), so that no other image is ever retired or deleted.'
    )
  }
  if (image.name !== undefined && !inFamily(image.name, pattern)) {
    throw new InputError(
      `Input ${named(INPUT.blueprintName)} is "${image.name}", which does not match ${family} ("${pattern}"): ` +
        'the image shared must be a version of the family.'
    )
  }
  if (keepImages !== undefined && keepShared === undefined) {
    throw new InputError(
      `Input ${images} needs ${shared}: an image is deleted only once its shares are taken, so say ` +
        `how many versions keep theirs (at most ${images}).`
    )
  }
  if (keepImages !== undefined && keepShared !== undefined && keepImages < keepShared) {
    throw new InputError(
      `Input ${images} (${keepImages}) is less than ${shared} (${keepShared}): a version that keeps its ` +
        'shares cannot be deleted.'
    )
  }
  return { pattern, keepShared, keepImages }
}
