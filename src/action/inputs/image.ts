/** blueprint-id or blueprint-name: which image to share, exactly one. */
import { isBlueprintId } from '../../common/ids.js'
import type { ImageSelector } from '../../sharing/image.js'
import { INPUT, InputError, named, type Inputs } from './names.js'

/** Image names are at most 60 characters (ModifyBlueprintAttribute's limit). */
const MAX_NAME_LENGTH = 60

export function readImage(inputs: Inputs): ImageSelector {
  const id = inputs.given(INPUT.blueprintId)
  const name = inputs.given(INPUT.blueprintName)
  const [byId, byName] = [named(INPUT.blueprintId), named(INPUT.blueprintName)]
  if (id && name) {
    throw new InputError(
      `Inputs ${byId} and ${byName} are both set ("${id}", "${name}"): give one.`
    )
  }
  if (!id && !name) {
    throw new InputError(
      `Input ${byId} is required (or ${byName}, to share the newest custom image of that name).`
    )
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InputError(
      `Input ${byName} is longer than an image name can be (${MAX_NAME_LENGTH} characters): "${name}".`
    )
  }
  if (name) return { name }
  if (!isBlueprintId(id)) {
    throw new InputError(
      `Input ${byId} is not a Lighthouse blueprint ID: "${id}". ` +
        'Expected "lhbp-" followed by 8 lowercase letters or digits, e.g. lhbp-6jc6l8yb.'
    )
  }
  return { id }
}
