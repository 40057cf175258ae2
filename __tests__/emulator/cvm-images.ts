/**
 * CVM custom images, as DescribeImagesToShare lists them: what Lighthouse
 * needs to know to turn one into a blueprint (ModifyImageSharePermission).
 */
import { ApiFailure, type Params } from './server.js'

export interface EmulatedCvmImage {
  id: string
  region: string
  name: string
  /** NORMAL, CREATING, … (CVM's ImageState). */
  state: string
  /** Whether Lighthouse can take it, and if not, why (Tencent's UnshareableReason). */
  shareable: boolean
  unshareableReason: string
  /** Shared to Lighthouse already (ModifyImageSharePermission SHARE was made). */
  sharedToLighthouse: boolean
  /** When it was made, as CreatedTime reads. */
  createdTime: string
}

const CVM_IMAGE_ID = /^img-[a-z0-9]{8}$/

/** Image IDs are checked as the API checks them: malformed is its own code. */
export function checkCvmImageId(id: unknown): string {
  if (typeof id !== 'string' || !CVM_IMAGE_ID.test(id)) {
    throw new ApiFailure(
      'InvalidParameterValue.InvalidImageIdMalformed',
      `The image ID is malformed: ${String(id)}.`
    )
  }
  return id
}

/** The spec's Image object for DescribeImagesToShare. */
export function imageAnswer(image: EmulatedCvmImage): Params {
  return {
    ImageId: image.id,
    ImageName: image.name,
    ImageDescription: '',
    ImageSize: 20,
    ImageSource: 'CREATE_IMAGE',
    ImageClass: 'LINUX',
    ImageState: image.state,
    IsSupportCloudinit: true,
    Architecture: 'x86_64',
    OsName: 'Ubuntu Server 22.04 LTS 64bit',
    Platform: 'Ubuntu',
    CreatedTime: image.createdTime,
    IsShareable: image.shareable && !image.sharedToLighthouse,
    UnshareableReason: image.sharedToLighthouse
      ? 'The image is shared to Lighthouse already.'
      : image.shareable
        ? ''
        : image.unshareableReason
  }
}
