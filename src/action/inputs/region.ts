/** region and copy-to-regions: Lighthouse regions, a near miss named as the typo it is. */
import { LIGHTHOUSE_REGIONS, MAINLAND_REGIONS, copiesBetween } from '../../cloud/regions.js'
import { listItems } from './parse.js'
import { INPUT, InputError, named, type Inputs } from './names.js'

const REGION = /^[a-z]+(-[a-z0-9]+)+$/

/**
 * The image's region: the input, else TENCENTCLOUD_REGION. A near miss of a
 * known region is a typo, an error that names the region meant; a name far
 * from every known one may be a new region, and is tried with a warning.
 */
export function readRegion(inputs: Inputs, warn: (message: string) => void): string {
  const region = parseRegion(inputs.given(INPUT.region) || inputs.variable('TENCENTCLOUD_REGION'))
  const meant = nearestRegion(region)
  if (meant) {
    throw new InputError(
      `Input ${named(INPUT.region)} is "${region}", which is not a Lighthouse region: did you mean ${meant}?`
    )
  }
  if (!LIGHTHOUSE_REGIONS.includes(region)) {
    warn(
      `Region "${region}" is not in the list documented for ShareBlueprintAcrossAccounts ` +
        `(${LIGHTHOUSE_REGIONS.join(', ')}); trying it anyway.`
    )
  }
  return region
}

function parseRegion(value: string): string {
  const meant = nearestRegion(value)
  if (meant && meant === value.toLowerCase()) {
    throw new InputError(
      `Input ${named(INPUT.region)} is "${value}": region names are lower case; did you mean ${meant}?`
    )
  }
  if (!value) {
    throw new InputError(
      `No region: set the ${named(INPUT.region)} input (e.g. ap-guangzhou) or the TENCENTCLOUD_REGION environment variable.`
    )
  }
  if (!REGION.test(value)) {
    throw new InputError(
      `Input ${named(INPUT.region)} is not a region name: "${value}". Expected e.g. ap-guangzhou.`
    )
  }
  return value
}

/**
 * copy-to-regions: known Lighthouse regions, none across the mainland border
 * from the image's region. The image's own region may be listed; it adds nothing.
 */
export function readCopyRegions(inputs: Inputs, source: string): string[] {
  const value = inputs.given(INPUT.copyToRegions)
  if (!value) return []
  const regions = listItems(value, INPUT.copyToRegions)
  const unknown = regions.filter((r) => !LIGHTHOUSE_REGIONS.includes(r))
  if (unknown.length > 0) {
    const listed = unknown.map((r) => {
      const meant = nearestRegion(r)
      return meant ? `"${r}" (did you mean ${meant}?)` : `"${r}"`
    })
    throw new InputError(
      `Input ${named(INPUT.copyToRegions)} has ${unknown.length === 1 ? 'a region' : 'regions'} Lighthouse does not offer: ` +
        `${listed.join(', ')}. Known regions: ${LIGHTHOUSE_REGIONS.join(', ')}.`
    )
  }
  const acrossBorder = regions.filter((r) => !copiesBetween(source, r))
  if (acrossBorder.length > 0) {
    throw new InputError(
      `Input ${named(INPUT.copyToRegions)} asks to copy the image from ${source} to ${acrossBorder.join(', ')}: images ` +
        `cannot be copied between the Chinese mainland (${MAINLAND_REGIONS.join(', ')}) and other regions ` +
        '(the API answers NotSupportCrossBorderSyncBlueprint).'
    )
  }
  return regions.filter((r) => r !== source)
}

/**
 * The known region a name most likely meant: the same in another case, or
 * within two edits (ap-guangzou, ap-singapur). A name far from every known
 * region may be a new one, and is tried.
 */
export function nearestRegion(name: string): string | undefined {
  if (LIGHTHOUSE_REGIONS.includes(name)) return undefined
  const lower = name.toLowerCase()
  const sameButCase = LIGHTHOUSE_REGIONS.find((r) => r === lower)
  if (sameButCase) return sameButCase
  let best: { region: string; distance: number } | undefined
  for (const region of LIGHTHOUSE_REGIONS) {
    const distance = editDistance(lower, region)
    if (distance <= 2 && (!best || distance < best.distance)) best = { region, distance }
  }
  return best?.region
}

/** Levenshtein distance: inserts, deletes and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}
