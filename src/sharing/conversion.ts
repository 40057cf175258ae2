/**
 * A blueprint from a CVM custom image (what Packer's tencentcloud-cvm
 * builder makes): the blueprint an earlier run made from it is found and
 * used (its ImageId is the image), else the image is checked with
 * DescribeImagesToShare and made one with ModifyImageSharePermission,
 * waited for until NORMAL and named as the CVM image is. Never two
 * blueprints of one image: a lost answer, or "already shared", leads to the
 * same search. A dry run makes nothing and says what it would do.
 */
import { ApiError, TransportError, describeError } from '../cloud/api-errors.js'
import type { Blueprint, LighthouseApi } from '../cloud/lighthouse.js'
import type { CvmImage } from '../cloud/image-conversion.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import type { ImageSelector } from './image.js'
import { inFamily } from './lifecycle/versions.js'
import { copyWaitSeconds } from './regions/road.js'
import { waitForNormal, type WaitSchedule } from './wait.js'

/** What became of the CVM image: its blueprint made now, found (made before), or (a dry run) to be made. */
export interface Conversion {
  imageId: string
  how: 'made' | 'found' | 'planned'
  blueprintId?: string
  /** ModifyImageSharePermission's RequestId, when this run made it. */
  requestId?: string
  /**
   * When this run made the blueprint: when the CVM image was built. The new
   * blueprint's own CreatedTime is now, so an old image made one again (a
   * rollback) must not count as the newest build.
   */
  builtAt?: number
}

export interface ConversionDeps {
  api: LighthouseApi
  clock: Clock
  log: Logger
  waitSchedule?: WaitSchedule
  /** Told of the blueprint as soon as it is made, found or planned: a wait or a rename that fails after must not lose it. */
  onConverted?: (conversion: Conversion) => void
}

/** The CVM image cannot become a blueprint: it is missing, not NORMAL, or a condition Tencent states is not met. */
export class ConversionError extends Error {
  override name = 'ConversionError'
}

/** The selector to choose the image by: a CVM image's blueprint by its ID (or, in a dry run, one to be made). */
export async function blueprintFor(
  deps: ConversionDeps,
  selector: ImageSelector,
  request: { region: string; dryRun: boolean; waitTimeoutSeconds: number; familyPattern?: string }
): Promise<{ selector: ImageSelector; conversion?: Conversion }> {
  if (selector.cvmImage === undefined) return { selector }
  // The step made the image itself: wait-timeout-seconds 0 (meant for a given image) does not refuse the wait.
  const context = {
    ...request,
    waitSeconds: copyWaitSeconds(request.waitTimeoutSeconds)
  }
  const imageId = selector.cvmImage
  const earlier = await blueprintOf(deps.api, imageId)
  if (earlier) {
    deps.log.info(`${earlier.id} is the blueprint an earlier run made from CVM image ${imageId}.`)
    deps.onConverted?.({ imageId, how: 'found', blueprintId: earlier.id })
    const image = await usable(deps, earlier.id, context, imageId)
    return {
      selector: { id: image.id, ready: image },
      conversion: { imageId, how: 'found', blueprintId: image.id }
    }
  }
  const cvm = await checked(deps.api, imageId, context.region)
  if (context.dryRun) {
    deps.log.info(`Dry run: a blueprint would be made from CVM image ${imageId} ("${cvm.name}").`)
    deps.onConverted?.({ imageId, how: 'planned' })
    return { selector: { plannedFrom: imageId }, conversion: { imageId, how: 'planned' } }
  }
  const made = { ...(await convert(deps, imageId)), builtAt: cvm.createdAt }
  deps.onConverted?.({ imageId, how: 'made', ...made })
  const image = await usable(deps, made.blueprintId, context, imageId, cvm)
  return {
    selector: { id: image.id, ready: image },
    conversion: { imageId, how: 'made', ...made, blueprintId: image.id }
  }
}

/** The own custom image whose ImageId is this CVM image, if there is one. */
async function blueprintOf(api: LighthouseApi, imageId: string): Promise<Blueprint | undefined> {
  const images = await api.listCustomImages()
  const found = images.filter((image) => image.imageId === imageId)
  if (found.length > 1) {
    throw new ConversionError(
      `CVM image ${imageId} has ${found.length} blueprints (${found.map((b) => b.id).join(', ')}): ` +
        'which one is its version cannot be told. Delete the ones not wanted, then run the step again.'
    )
  }
  return found[0]
}

/** DescribeImagesToShare: the image must be in the region, NORMAL, and one Lighthouse can take. */
async function checked(api: LighthouseApi, imageId: string, region: string): Promise<CvmImage> {
  const image = await api.describeImageToShare(imageId)
  if (!image) {
    throw new ConversionError(
      `Input "image-id": DescribeImagesToShare lists no CVM image ${imageId} in ${region}. ` +
        'Each region has its own image IDs: check the image and "region" (Packer names the region in its artifact ID).'
    )
  }
  if (image.state !== 'NORMAL') {
    throw new ConversionError(
      `CVM image ${imageId} is ${image.state}: only a NORMAL image can become a blueprint. ` +
        'Run the step when the image build has finished.'
    )
  }
  if (!image.shareable) {
    throw new ConversionError(
      `CVM image ${imageId} cannot become a Lighthouse blueprint: ${image.unshareableReason || 'Tencent Cloud gives no reason'}. ` +
        'Tencent states the conditions: a NORMAL custom image not shared to Lighthouse before, not imported, ' +
        'not a whole-machine image, with cloud-init, of a platform and OS Lighthouse supports.'
    )
  }
  return image
}

/** ModifyImageSharePermission SHARE; a lost answer or "already shared" is settled by looking for the blueprint. */
async function convert(
  deps: ConversionDeps,
  imageId: string
): Promise<{ blueprintId: string; requestId?: string }> {
  const search = async (why: string) => {
    const found = await blueprintOf(deps.api, imageId)
    if (found) {
      deps.log.info(`${why}: ${found.id} is the blueprint made from ${imageId}.`)
      return { blueprintId: found.id }
    }
    return undefined
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const { blueprintId, requestId } = await deps.api.shareImageToLighthouse(imageId)
      deps.log.info(`Made a blueprint from CVM image ${imageId} (RequestId ${requestId}).`)
      if (blueprintId) return { blueprintId, requestId }
      const found = await search('The answer named no blueprint')
      if (found) return { ...found, requestId }
      throw new ConversionError(
        `ModifyImageSharePermission made a blueprint from ${imageId} (RequestId ${requestId}) but named none, ` +
          'and no custom image has that ImageId yet: run the step again to find it.'
      )
    } catch (error) {
      const lost = error instanceof TransportError
      const already =
        error instanceof ApiError && error.code === 'UnsupportedOperation.ImageAlreadyShared'
      if (!lost && !already) throw error
      const found = await search(lost ? 'The answer was lost' : 'The image is shared already')
      if (found) return found
      // A lost call that made nothing is sent again, once; "already shared" with no blueprint of ours is not ours to fix.
      if (already || attempt > 1) {
        throw new ConversionError(
          `${describeError(error)} No own custom image has ImageId ${imageId}: it may have been made and deleted, ` +
            "or be another account's. Check with tccli lighthouse DescribeBlueprints.",
          { cause: error }
        )
      }
    }
  }
}

/**
 * The blueprint NORMAL (a new one reads CREATING at first); with a family,
 * named as the CVM image is, so that the family's pattern matches it.
 */
async function usable(
  deps: ConversionDeps,
  blueprintId: string,
  context: { region: string; dryRun: boolean; waitSeconds: number; familyPattern?: string },
  imageId: string,
  cvm?: CvmImage
): Promise<Blueprint> {
  const image = await waitForNormal(deps.api, {
    blueprintId,
    region: context.region,
    deadline: deps.clock.now() + context.waitSeconds * 1000,
    clock: deps.clock,
    log: deps.log,
    onState: () => undefined,
    schedule: deps.waitSchedule
  })
  // Named already (by an earlier run, or by Tencent): the family matches it, and the CVM image need not be read.
  if (context.familyPattern === undefined || inFamily(image.nameAsGiven, context.familyPattern)) {
    return image
  }
  const source = cvm ?? (await deps.api.describeImageToShare(imageId))
  const name = source?.nameAsGiven.slice(0, 60)
  if (!source || !name || name === image.nameAsGiven || context.dryRun) return image
  // The blueprint's name is not documented: it is given the CVM image's (Packer's image_name), which the family matches.
  await deps.api.setName(blueprintId, name)
  deps.log.info(`Named ${blueprintId} after its CVM image: "${source.name}".`)
  return { ...image, name: source.name, nameAsGiven: name }
}
