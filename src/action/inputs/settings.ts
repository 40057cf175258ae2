/** Every input, read and checked before any API call: what the run is asked to do. */
import type { Endpoint, Language } from '../../cloud/endpoint.js'
import type { Logger } from '../../common/logger.js'
import type { ImageSelector } from '../../sharing/image.js'
import type { FamilyRule } from '../../sharing/lifecycle/rules.js'
import { accountShower } from '../../common/ids.js'
import {
  readCredentialSettings,
  readOrganizationAccess,
  type CredentialSettings,
  type OrganizationAccess
} from './credentials.js'
import { readImage } from './image.js'
import { readFamily } from './lifecycle.js'
import {
  parseBoolean,
  parseChoice,
  parseEndpoint,
  parseSeconds,
  warnIfNotTencentCloud
} from './parse.js'
import { readCopyRegions, readRegion } from './region.js'
import { readTargets, type TargetSettings } from './targets.js'
import { INPUT, InputError, named, type Inputs } from './names.js'

export type OnAccountError = 'fail' | 'warn'

const LANGUAGES: readonly Language[] = ['en-US', 'zh-CN']

export interface Settings {
  image: ImageSelector
  /** family, keep-shared, keep-images; absent without family. */
  family?: FamilyRule
  targets: TargetSettings
  /** Read and plan, but change nothing. */
  dryRun: boolean
  /** With dry-run: fail when the plan would change anything. */
  failOnDrift: boolean
  region: string
  /** Regions to copy the image to and share every copy in; never the image's own region. */
  copyToRegions: string[]
  endpoint: Endpoint
  language: Language
  /** 0: do not wait for the image to become NORMAL. */
  waitTimeoutSeconds: number
  onAccountError: OnAccountError
  /** Show account IDs shortened in the log and the summary; the outputs keep them whole. */
  maskAccountIds: boolean
  credentials: CredentialSettings
  /** With organization-units: how the organization is read. */
  organization?: OrganizationAccess
}

/** What to do and with what credentials; an input error names the input and the value. */
export function readSettings(inputs: Inputs, log: Pick<Logger, 'warning' | 'notice'>): Settings {
  // The region first: image-id's Packer artifact names an image per region.
  const region = readRegion(inputs, log.warning)
  const image = readImage(inputs, region)
  const family = readFamily(inputs, image)
  const maskAccountIds = parseBoolean(inputs.value(INPUT.maskAccountIds), INPUT.maskAccountIds)
  const targets = readTargets(inputs, accountShower(maskAccountIds))
  const dryRun = parseBoolean(inputs.value(INPUT.dryRun), INPUT.dryRun)
  const failOnDrift = readFailOnDrift(inputs, dryRun)
  const endpoint = parseEndpoint(inputs.value(INPUT.endpoint))
  warnIfNotTencentCloud(endpoint, 'every signed request goes there', log.warning)
  const language = parseChoice(inputs.value(INPUT.language), INPUT.language, LANGUAGES)
  const waitTimeoutSeconds = parseSeconds(
    inputs.value(INPUT.waitTimeoutSeconds),
    INPUT.waitTimeoutSeconds
  )
  const onAccountError = parseChoice(inputs.value(INPUT.onAccountError), INPUT.onAccountError, [
    'fail',
    'warn'
  ] as const)
  const copyToRegions = readCopyRegions(inputs, region)
  const credentials = readCredentialSettings(inputs, endpoint, log.notice, log.warning)
  const organization = readOrganizationAccess(inputs, endpoint, credentials, log.notice)
  return {
    image,
    family,
    targets,
    dryRun,
    failOnDrift,
    region,
    copyToRegions,
    endpoint,
    language,
    waitTimeoutSeconds,
    onAccountError,
    maskAccountIds,
    credentials,
    organization
  }
}

/** fail-on-drift checks a plan: it is only read with dry-run, where nothing changes. */
function readFailOnDrift(inputs: Inputs, dryRun: boolean): boolean {
  const value = inputs.value(INPUT.failOnDrift)
  const failOnDrift = parseBoolean(value, INPUT.failOnDrift)
  if (failOnDrift && !dryRun) {
    throw new InputError(
      `Input ${named(INPUT.failOnDrift)} is "${value}" and ${named(INPUT.dryRun)} is not true: ` +
        'fail-on-drift checks what a dry run would change; set dry-run: true with it (a run that changes things has nothing left to drift).'
    )
  }
  return failOnDrift
}
