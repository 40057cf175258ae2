/** Reads and validates every input before any API call. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { isAccountId, isBlueprintId } from '../common/ids.js'
import {
  hostnameOf,
  isLoopback,
  isTencentCloudHost,
  type Endpoint,
  type Language
} from '../cloud/endpoint.js'
import { accountShower, type ShowAccount } from '../sharing/plan.js'
import type { UnitSelection } from '../sharing/organization-targets.js'
import { inFamily } from '../sharing/lifecycle/versions.js'
import type { FamilyRule } from '../sharing/lifecycle/rules.js'

/** A problem with what the workflow passed in: reported as is, never retried. */
export class InputError extends Error {
  override name = 'InputError'
}

/** Reads one input, trimmed; '' when it is not set. */
export type GetInput = (name: string) => string

export type OnAccountError = 'fail' | 'warn'

/** Every input of the action, read and checked. */
export interface ActionInputs {
  /** '' when the image is given by name, until the name is looked up. */
  blueprintId: string
  /** blueprint-name: the newest custom image of exactly this name. */
  blueprintName?: string
  family?: FamilyRule
  /** Accounts that should have the share; may be empty when revokeAccountIds is not. */
  accountIds: string[]
  revokeAccountIds: string[]
  /** Take the share from every account not in accountIds. */
  revokeUnlisted: boolean
  /** Read and plan, but make no share or cancel call. */
  dryRun: boolean
  region: string
  endpoint: Endpoint
  language: Language
  /** 0: do not wait for the image to become NORMAL. */
  waitTimeoutSeconds: number
  onAccountError: OnAccountError
  /** Show account IDs shortened in the log and the summary; the outputs keep them whole. */
  maskAccountIds: boolean
  /** Regions to copy the image to and share every copy in; never the image's own region. */
  copyToRegions: string[]
  /** organization-units: share with members of the organization too; absent when not given. */
  organizationUnits?: UnitSelection
}

/**
 * The default of every input that has one, as action.yml declares it (a test
 * holds the two equal). The runner passes these when the workflow gives none.
 */
export const INPUT_DEFAULTS = {
  'revoke-unlisted': 'false',
  'dry-run': 'false',
  'mask-account-ids': 'false',
  'role-duration-seconds': '3600',
  'oidc-audience': 'sts.tencentcloudapi.com',
  endpoint: 'lighthouse.intl.tencentcloudapi.com',
  language: 'en-US',
  'wait-timeout-seconds': '1800',
  'on-account-error': 'fail'
} as const

/** An input's value, or its default when the workflow gave none. */
export function inputOrDefault(getInput: GetInput, name: keyof typeof INPUT_DEFAULTS): string {
  return getInput(name) || INPUT_DEFAULTS[name]
}

/** The Chinese mainland: SyncBlueprint does not copy between these regions and any other. */
const MAINLAND_REGIONS: readonly string[] = [
  'ap-beijing',
  'ap-chengdu',
  'ap-guangzhou',
  'ap-nanjing',
  'ap-shanghai'
]

/** Regions where ShareBlueprintAcrossAccounts is offered, from the API document. */
const SUPPORTED_REGIONS: readonly string[] = [
  'ap-bangkok',
  'ap-beijing',
  'ap-chengdu',
  'ap-guangzhou',
  'ap-hongkong',
  'ap-jakarta',
  'ap-nanjing',
  'ap-seoul',
  'ap-shanghai',
  'ap-singapore',
  'ap-tokyo',
  'eu-frankfurt',
  'na-ashburn',
  'na-siliconvalley',
  'sa-saopaulo'
]

const REGION = /^[a-z]+(-[a-z0-9]+)+$/
const LANGUAGES: readonly Language[] = ['en-US', 'zh-CN']

export function readShareInputs(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void
): ActionInputs {
  const { blueprintId, blueprintName } = readImage(getInput)
  const family = readFamily(getInput, blueprintName)
  const maskAccountIds = parseBoolean(
    inputOrDefault(getInput, 'mask-account-ids'),
    'mask-account-ids'
  )
  const organizationUnits = readOrganizationUnits(getInput)
  const { accountIds, revokeAccountIds, revokeUnlisted } = readAccountLists(
    getInput,
    env,
    accountShower(maskAccountIds),
    organizationUnits !== undefined
  )
  const dryRun = parseBoolean(inputOrDefault(getInput, 'dry-run'), 'dry-run')
  const region = parseRegion(getInput('region') || env.TENCENTCLOUD_REGION?.trim() || '')
  // A near miss of a known region is a typo, not a new region: say so before any call.
  const meant = nearestRegion(region)
  if (meant) {
    throw new InputError(
      `Input "region" is "${region}", which is not a Lighthouse region: did you mean ${meant}?`
    )
  }
  if (!SUPPORTED_REGIONS.includes(region)) {
    warn(
      `Region "${region}" is not in the list documented for ShareBlueprintAcrossAccounts ` +
        `(${SUPPORTED_REGIONS.join(', ')}); trying it anyway.`
    )
  }
  const endpoint = parseEndpoint(inputOrDefault(getInput, 'endpoint'))
  warnIfNotTencentCloud(endpoint, 'every signed request goes there', warn)
  const language = parseLanguage(inputOrDefault(getInput, 'language'))
  const waitTimeoutSeconds = parseSeconds(
    inputOrDefault(getInput, 'wait-timeout-seconds'),
    'wait-timeout-seconds'
  )
  const onAccountError = parseChoice(
    inputOrDefault(getInput, 'on-account-error'),
    'on-account-error',
    ['fail', 'warn'] as const
  )
  return {
    blueprintId,
    blueprintName,
    family,
    accountIds,
    revokeAccountIds,
    revokeUnlisted,
    dryRun,
    region,
    endpoint,
    language,
    waitTimeoutSeconds,
    onAccountError,
    maskAccountIds,
    copyToRegions: readCopyRegions(getInput, region),
    organizationUnits
  }
}

/** The image: by ID, or by name (then the newest custom image of that name); exactly one. */
function readImage(getInput: GetInput): { blueprintId: string; blueprintName?: string } {
  const id = getInput('blueprint-id')
  const name = getInput('blueprint-name')
  if (id && name) {
    throw new InputError(
      `Inputs "blueprint-id" and "blueprint-name" are both set ("${id}", "${name}"): give one.`
    )
  }
  if (!id && !name) {
    throw new InputError(
      'Input "blueprint-id" is required (or "blueprint-name", to share the newest custom image of that name).'
    )
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new InputError(
      `Input "blueprint-name" is longer than an image name can be (${MAX_NAME_LENGTH} characters): "${name}".`
    )
  }
  return id ? { blueprintId: parseBlueprintId(id) } : { blueprintId: '', blueprintName: name }
}

/** Image names are at most 60 characters (ModifyBlueprintAttribute's limit). */
const MAX_NAME_LENGTH = 60

/** family, keep-shared and keep-images: the last two need the first, and keep-images at least keep-shared. */
function readFamily(getInput: GetInput, blueprintName?: string): FamilyRule | undefined {
  const pattern = getInput('family')
  const keepShared = readCount(getInput, 'keep-shared')
  const keepImages = readCount(getInput, 'keep-images')
  if (!pattern) {
    const given = ['keep-shared', 'keep-images'].filter((name) => getInput(name))
    if (given.length > 0) {
      throw new InputError(
        `Input ${given.map((n) => `"${n}"`).join(' and ')} needs "family": the name pattern of the image's ` +
          'versions (e.g. golden-ubuntu-*), so that no other image is ever retired or deleted.'
      )
    }
    return undefined
  }
  if (!pattern.replace(/\*/g, '').trim()) {
    throw new InputError(
      `Input "family" is "${pattern}", which matches every image: give the name pattern of one line of images ` +
        '(e.g. golden-ubuntu-*), so that no other image is ever retired or deleted.'
    )
  }
  if (blueprintName !== undefined && !inFamily(blueprintName, pattern)) {
    throw new InputError(
      `Input "blueprint-name" is "${blueprintName}", which does not match "family" ("${pattern}"): the image ` +
        'shared must be a version of the family.'
    )
  }
  if (keepImages !== undefined && keepShared === undefined) {
    throw new InputError(
      'Input "keep-images" needs "keep-shared": an image is deleted only once its shares are taken, so say ' +
        'how many versions keep theirs (at most "keep-images").'
    )
  }
  if (keepImages !== undefined && keepShared !== undefined && keepImages < keepShared) {
    throw new InputError(
      `Input "keep-images" (${keepImages}) is less than "keep-shared" (${keepShared}): a version that keeps its ` +
        'shares cannot be deleted.'
    )
  }
  return { pattern, keepShared, keepImages }
}

/** A count of versions: a whole number, at least 1; undefined when not given. */
function readCount(getInput: GetInput, name: string): number | undefined {
  const value = getInput(name)
  if (!value) return undefined
  if (!/^[0-9]+$/.test(value) || Number(value) < 1) {
    throw new InputError(
      `Input "${name}" must be a whole number of versions, at least 1, not "${value}".`
    )
  }
  return Number(value)
}

/** A unit ID (NodeId): a positive whole number. */
const UNIT_ID = /^[1-9][0-9]{0,18}$/

/** organization-units: "all", or unit IDs (NodeIds) in the list format of account-ids. */
function readOrganizationUnits(getInput: GetInput): UnitSelection | undefined {
  const value = getInput('organization-units')
  if (!value) return undefined
  const items = listItems(value, 'organization-units')
  if (items.length === 1 && items[0].toLowerCase() === 'all') return 'all'
  if (items.some((item) => item.toLowerCase() === 'all')) {
    throw new InputError(
      `Input "organization-units" is "${value}": "all" means every member, so give it alone, or only unit IDs.`
    )
  }
  if (items.length === 0) {
    throw new InputError(
      `Input "organization-units" has no unit IDs in it: "${value}". Give "all", or unit IDs.`
    )
  }
  const invalid = items.filter((item) => !UNIT_ID.test(item))
  if (invalid.length > 0) {
    throw new InputError(
      `Input "organization-units" has ${invalid.length === 1 ? 'a value that is not a unit ID' : 'values that are not unit IDs'}: ` +
        `${invalid.map((item) => `"${item}"`).join(', ')}. Give "all", or the IDs (NodeId, digits) of ` +
        'organization units, as Organization > Members shows them or tccli organization DescribeOrganizationNodes lists them.'
    )
  }
  return items
}

/**
 * copy-to-regions: known Lighthouse regions, none across the mainland border
 * from the image's region. The image's own region may be listed; it adds nothing.
 */
function readCopyRegions(getInput: GetInput, source: string): string[] {
  const value = getInput('copy-to-regions')
  if (!value) return []
  const regions = listItems(value, 'copy-to-regions')
  const unknown = regions.filter((r) => !SUPPORTED_REGIONS.includes(r))
  if (unknown.length > 0) {
    const named = unknown.map((r) => {
      const meant = nearestRegion(r)
      return meant ? `"${r}" (did you mean ${meant}?)` : `"${r}"`
    })
    throw new InputError(
      `Input "copy-to-regions" has ${unknown.length === 1 ? 'a region' : 'regions'} Lighthouse does not offer: ` +
        `${named.join(', ')}. Known regions: ${SUPPORTED_REGIONS.join(', ')}.`
    )
  }
  const mainland = MAINLAND_REGIONS.includes(source)
  const acrossBorder = regions.filter((r) => MAINLAND_REGIONS.includes(r) !== mainland)
  if (acrossBorder.length > 0) {
    throw new InputError(
      `Input "copy-to-regions" asks to copy the image from ${source} to ${acrossBorder.join(', ')}: images ` +
        'cannot be copied between the Chinese mainland (ap-beijing, ap-chengdu, ap-guangzhou, ap-nanjing, ' +
        'ap-shanghai) and other regions (the API answers NotSupportCrossBorderSyncBlueprint).'
    )
  }
  return regions.filter((r) => r !== source)
}

/**
 * account-ids-file: a file in the workspace in the list format of
 * account-ids, read as if given there; it keeps the IDs out of the step's
 * header, which the runner prints with the inputs resolved.
 */
function readAccountFile(getInput: GetInput, env: NodeJS.ProcessEnv): string {
  const path = getInput('account-ids-file')
  if (!path) return ''
  const full = resolve(env.GITHUB_WORKSPACE || process.cwd(), path)
  try {
    return readFileSync(full, 'utf8')
  } catch (error) {
    const why =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'there is no such file'
        : (error as Error).message
    throw new InputError(
      `Input "account-ids-file" names ${path}, which cannot be read: ${why} ` +
        '(the path is relative to the workspace, where actions/checkout puts the repository).'
    )
  }
}

function readAccountLists(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  show: ShowAccount,
  /** organization-units is given: its members are share targets too. */
  withOrganization: boolean
): Pick<ActionInputs, 'accountIds' | 'revokeAccountIds' | 'revokeUnlisted'> {
  const fromFile = readAccountFile(getInput, env)
  const shareList = getInput('account-ids')
  const revokeList = getInput('revoke-account-ids')
  const revokeUnlisted = parseBoolean(
    inputOrDefault(getInput, 'revoke-unlisted'),
    'revoke-unlisted'
  )
  if (revokeUnlisted && !shareList && !fromFile && !withOrganization) {
    throw new InputError(
      'Input "revoke-unlisted" is true but "account-ids" (and "account-ids-file") give no accounts: that would ' +
        'take the share from every account. List the accounts that keep it in "account-ids", set ' +
        '"organization-units", or use "revoke-account-ids".'
    )
  }
  if (!shareList && !fromFile && !revokeList && !withOrganization) {
    throw new InputError(
      'Input "account-ids" is required: give the accounts to share with, ' +
        '"revoke-account-ids" to take the share from accounts, or both; or "organization-units" to share ' +
        'with members of the organization.'
    )
  }
  // Both may be given: the union, each checked under its own name.
  const accountIds = [
    ...new Set([
      ...(shareList ? parseAccountIds(shareList, 'account-ids', show) : []),
      ...(fromFile ? parseAccountIds(fromFile, 'account-ids-file', show) : [])
    ])
  ]
  const revokeAccountIds = revokeList ? parseAccountIds(revokeList, 'revoke-account-ids', show) : []
  const both = accountIds.filter((id) => revokeAccountIds.includes(id))
  if (both.length > 0) {
    throw new InputError(
      `Account ${both.map(show).join(', ')} is in both "account-ids" and "revoke-account-ids": ` +
        'an account can get the share or lose it, not both.'
    )
  }
  return { accountIds, revokeAccountIds, revokeUnlisted }
}

/** What core.getBooleanInput accepts (the YAML 1.2 core schema), and nothing else. */
const BOOLEANS = new Map([
  ...['true', 'True', 'TRUE'].map((word) => [word, true] as const),
  ...['false', 'False', 'FALSE'].map((word) => [word, false] as const)
])

/** Whether mask-account-ids is on, read before anything else so every line can be masked; an invalid value is refused later. */
export function wantsMasking(getInput: GetInput): boolean {
  return BOOLEANS.get(inputOrDefault(getInput, 'mask-account-ids')) === true
}

function parseBoolean(value: string, inputName: string): boolean {
  const parsed = BOOLEANS.get(value)
  if (parsed === undefined) {
    throw new InputError(`Input "${inputName}" must be true or false, not "${value}".`)
  }
  return parsed
}

function parseBlueprintId(value: string): string {
  if (!isBlueprintId(value)) {
    throw new InputError(
      `Input "blueprint-id" is not a Lighthouse blueprint ID: "${value}". ` +
        'Expected "lhbp-" followed by 8 lowercase letters or digits, e.g. lhbp-6jc6l8yb.'
    )
  }
  return value
}

/**
 * A list input's items, the first of each duplicate, in order: a JSON array
 * of strings (as this action's own list outputs are, so they can be passed
 * back in), or items split on commas, spaces and newlines, where a # starts
 * a comment to the end of its line.
 */
export function listItems(value: string, inputName: string): string[] {
  const text = value.trim()
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new InputError(
        `Input "${inputName}" starts with "[" but is not a JSON array: ${(error as Error).message}. ` +
          'Give a JSON array of strings, e.g. ["200000000001","200000000002"], or items separated by commas, ' +
          'spaces or newlines.'
      )
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
      throw new InputError(
        `Input "${inputName}" is a JSON value but not an array of strings: quote each item, e.g. ["200000000001"].`
      )
    }
    return [...new Set(parsed.map((item) => item.trim()).filter(Boolean))]
  }
  const items = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join('\n')
    .split(/[\s,]+/)
  return [...new Set(items.filter(Boolean))]
}

/** Account IDs from a list input, each checked. */
export function parseAccountIds(
  value: string,
  inputName: string,
  /** With mask-account-ids, an invalid value is shown shortened too: it is most likely a mistyped ID. */
  show: ShowAccount = accountShower(false)
): string[] {
  const ids = listItems(value, inputName)
  const invalid = ids.filter((id) => !isAccountId(id))
  if (invalid.length > 0) {
    const list = invalid.map((id) => `"${show(id)}"`).join(', ')
    throw new InputError(
      `Input "${inputName}" has ${invalid.length === 1 ? 'an invalid account ID' : 'invalid account IDs'}: ${list}. ` +
        'Give the account ID of each root account (Account Center > Account Information): ' +
        '5 to 20 digits with no leading zero, separated by commas, spaces or newlines.'
    )
  }
  if (ids.length === 0) {
    throw new InputError(`Input "${inputName}" has no account IDs in it: "${value}".`)
  }
  return ids
}

/**
 * The known region a name most likely meant: the same in another case, or
 * within two edits (ap-guangzou, ap-singapur). A name far from every known
 * region may be a new one, and is tried.
 */
export function nearestRegion(name: string): string | undefined {
  if (SUPPORTED_REGIONS.includes(name)) return undefined
  const lower = name.toLowerCase()
  const sameButCase = SUPPORTED_REGIONS.find((r) => r === lower)
  if (sameButCase) return sameButCase
  let best: { region: string; distance: number } | undefined
  for (const region of SUPPORTED_REGIONS) {
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

function parseRegion(value: string): string {
  const meant = nearestRegion(value)
  if (meant && meant === value.toLowerCase()) {
    throw new InputError(
      `Input "region" is "${value}": region names are lower case; did you mean ${meant}?`
    )
  }
  if (!value) {
    throw new InputError(
      'No region: set the "region" input (e.g. ap-guangzhou) or the TENCENTCLOUD_REGION environment variable.'
    )
  }
  if (!REGION.test(value)) {
    throw new InputError(
      `Input "region" is not a region name: "${value}". Expected e.g. ap-guangzhou.`
    )
  }
  return value
}

function parseLanguage(value: string): Language {
  return parseChoice(value, 'language', LANGUAGES)
}

function parseChoice<T extends string>(value: string, inputName: string, choices: readonly T[]): T {
  const choice = choices.find((c) => c === value)
  if (!choice) {
    throw new InputError(`Input "${inputName}" must be ${choices.join(' or ')}, not "${value}".`)
  }
  return choice
}

export function parseSeconds(value: string, inputName: string): number {
  if (!/^[0-9]+$/.test(value)) {
    throw new InputError(
      `Input "${inputName}" must be a whole number of seconds (0 or more), not "${value}".`
    )
  }
  return Number(value)
}

/**
 * A host name, or a URL with scheme and optional port. Plain http is only for
 * loopback hosts (a local emulator): credentials must never cross a network unencrypted.
 */
export function parseEndpoint(value: string, inputName = 'endpoint'): Endpoint {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
  const bad = (why: string): InputError =>
    new InputError(`Input "${inputName}" is not a valid endpoint: "${value}". ${why}`)
  let url: URL
  try {
    url = new URL(hasScheme ? value : `https://${value}`)
  } catch {
    throw bad('Give a host name such as lighthouse.intl.tencentcloudapi.com, or an https:// URL.')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw bad('Only https:// (or http:// to a loopback address) is supported.')
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw bad('Give only the scheme, host and port, with no path, query or user name.')
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw bad(
      'Use https: plain http is only allowed to a loopback address (127.0.0.1, localhost, ::1).'
    )
  }
  return {
    protocol: url.protocol === 'http:' ? 'http://' : 'https://',
    host: url.host,
    source: `input "${inputName}"`
  }
}

/** A host outside Tencent Cloud (and not loopback) is allowed, with a warning that says what goes there. */
export function warnIfNotTencentCloud(
  endpoint: Endpoint,
  whatGoesThere: string,
  warn: (message: string) => void
): void {
  const host = hostnameOf(endpoint)
  if (isTencentCloudHost(host) || isLoopback(host)) return
  warn(
    `${endpoint.source.charAt(0).toUpperCase()}${endpoint.source.slice(1)} is ${host}, which is not a Tencent Cloud ` +
      `API host (*.tencentcloudapi.com): ${whatGoesThere}. Use it only if you run or trust that host.`
  )
}
