/**
 * Lighthouse's two actions on CVM custom images: DescribeImagesToShare (can
 * this image become a blueprint?) and ModifyImageSharePermission SHARE
 * (make it one). Each answer is read against its spec shape.
 */
import { isBlueprintId, isCvmImageId } from '../common/ids.js'
import { parseApiTime } from '../common/times.js'
import { OUTSIDE_TEXT_LIMIT, bounded, neutralize } from '../common/untrusted.js'
import { listOf, membersOf, unreadable } from './answers.js'
import type { ApiResponse } from './api-transport.js'
import type { Caller } from './retry.js'

/** A CVM custom image as Lighthouse sees it. */
export interface CvmImage {
  id: string
  /** Safe to print. */
  name: string
  /** The name exactly as the API has it, to name the blueprint by; never printed. */
  nameAsGiven: string
  /** NORMAL, CREATING, … */
  state: string
  /** Whether Lighthouse can make a blueprint of it, and if not, Tencent's reason (safe to print). */
  shareable: boolean
  unshareableReason: string
  /** When the CVM image was made (its build), in ms; NaN when CreatedTime is not in the documented form. */
  createdAt: number
}

export interface ImageConversionApi {
  /** The CVM image as DescribeImagesToShare lists it in the region, or undefined when it lists none. */
  describeImageToShare(imageId: string): Promise<CvmImage | undefined>
  /**
   * Makes a blueprint of the CVM image; resolves to its ID, or undefined when
   * the answer does not give one (the spec allows null). Not retried when the
   * answer is lost: the caller looks for the blueprint first.
   */
  shareImageToLighthouse(imageId: string): Promise<{ blueprintId?: string; requestId: string }>
}

export function imageConversion(caller: Caller): ImageConversionApi {
  return {
    describeImageToShare: async (imageId) => {
      const images = await caller.call(
        'DescribeImagesToShare',
        { ImageIds: [imageId] },
        { read: readImages }
      )
      return images.find((image) => image.id === imageId)
    },
    shareImageToLighthouse: (imageId) =>
      caller.call(
        'ModifyImageSharePermission',
        { ImageId: imageId, Permission: 'SHARE' },
        {
          retryLostAnswers: false,
          read: (response) => ({
            blueprintId: isBlueprintId(response.BlueprintId)
              ? (response.BlueprintId as string)
              : undefined,
            requestId: response.RequestId
          })
        }
      )
  }
}

function readImages(response: ApiResponse): CvmImage[] {
  const action = 'DescribeImagesToShare'
  return listOf(action, response, 'ImageSet').map((item) => {
    const image = membersOf(item)
    if (!isCvmImageId(image.ImageId)) throw unreadable(action, 'an image without a valid ImageId')
    if (typeof image.ImageState !== 'string' || typeof image.IsShareable !== 'boolean') {
      throw unreadable(action, 'an image without ImageState and IsShareable')
    }
    const text = (member: string): string => {
      const value = image[member]
      return typeof value === 'string' ? value : ''
    }
    const safe = (value: string) => neutralize(bounded(value, OUTSIDE_TEXT_LIMIT.name))
    return {
      id: image.ImageId as string,
      name: safe(text('ImageName')),
      nameAsGiven: text('ImageName'),
      state: safe(image.ImageState),
      shareable: image.IsShareable,
      unshareableReason: neutralize(bounded(text('UnshareableReason'), OUTSIDE_TEXT_LIMIT.message)),
      createdAt: parseApiTime(text('CreatedTime'))
    }
  })
}
