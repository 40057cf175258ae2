/** Reads and validates every input before any API call. */

/** A problem with what the workflow passed in: reported as is, never retried. */
export class InputError extends Error {
  override name = 'InputError'
}

/** Reads one input, trimmed; '' when it is not set. */
export type GetInput = (name: string) => string

export type Language = 'en-US' | 'zh-CN'

export interface Endpoint {
  /** As the SDK wants it: 'https://' or 'http://'. */
  protocol: 'https://' | 'http://'
  /** Host name, with ':port' when one is given. */
  host: string
  /** Where it was given, for messages: 'input "endpoint"', or how it was derived. */
  source: string
}

export type OnAccountError = 'fail' | 'warn'

export interface ShareInputs {
  blueprintId: string
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
}

const DEFAULT_ENDPOINT = 'lighthouse.intl.tencentcloudapi.com'

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

const BLUEPRINT_ID = /^lhbp-[a-z0-9]{8}$/
const ACCOUNT_ID = /^[0-9]+$/
const REGION = /^[a-z]+(-[a-z0-9]+)+$/
const LANGUAGES: readonly Language[] = ['en-US', 'zh-CN']

export function readShareInputs(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void
): ShareInputs {
  const blueprintId = parseBlueprintId(required(getInput, 'blueprint-id'))
  const { accountIds, revokeAccountIds, revokeUnlisted } = readAccountLists(getInput)
  const dryRun = parseBoolean(getInput('dry-run') || 'false', 'dry-run')
  const region = parseRegion(getInput('region') || env.TENCENTCLOUD_REGION?.trim() || '')
  if (!SUPPORTED_REGIONS.includes(region)) {
    warn(
      `Region "${region}" is not in the list documented for ShareBlueprintAcrossAccounts ` +
        `(${SUPPORTED_REGIONS.join(', ')}); trying it anyway.`
    )
  }
  const endpoint = parseEndpoint(getInput('endpoint') || DEFAULT_ENDPOINT)
  const endpointHost = hostnameOf(endpoint)
  if (!isTencentCloudHost(endpointHost) && !isLoopback(endpointHost)) {
    warn(
      `Input "endpoint" is ${endpointHost}, which is not a Tencent Cloud API host (*.tencentcloudapi.com): ` +
        'every signed request goes there. Use it only if you run or trust that host.'
    )
  }
  const language = parseLanguage(getInput('language') || 'en-US')
  const waitTimeoutSeconds = parseSeconds(
    getInput('wait-timeout-seconds') || '1800',
    'wait-timeout-seconds'
  )
  const onAccountError = parseChoice(getInput('on-account-error') || 'fail', 'on-account-error', [
    'fail',
    'warn'
  ] as const)
  return {
    blueprintId,
    accountIds,
    revokeAccountIds,
    revokeUnlisted,
    dryRun,
    region,
    endpoint,
    language,
    waitTimeoutSeconds,
    onAccountError
  }
}

function readAccountLists(
  getInput: GetInput
): Pick<ShareInputs, 'accountIds' | 'revokeAccountIds' | 'revokeUnlisted'> {
  const shareList = getInput('account-ids')
  const revokeList = getInput('revoke-account-ids')
  if (!shareList && !revokeList) {
    throw new InputError(
      'Input "account-ids" is required: give the accounts to share with, ' +
        '"revoke-account-ids" to take the share from accounts, or both.'
    )
  }
  const accountIds = shareList ? parseAccountIds(shareList, 'account-ids') : []
  const revokeAccountIds = revokeList ? parseAccountIds(revokeList, 'revoke-account-ids') : []
  const revokeUnlisted = parseBoolean(getInput('revoke-unlisted') || 'false', 'revoke-unlisted')
  if (revokeUnlisted && accountIds.length === 0) {
    throw new InputError(
      'Input "revoke-unlisted" is true but "account-ids" is empty: that would take the share from every ' +
        'account. List the accounts that keep it in "account-ids", or use "revoke-account-ids".'
    )
  }
  const both = accountIds.filter((id) => revokeAccountIds.includes(id))
  if (both.length > 0) {
    throw new InputError(
      `Account ${both.join(', ')} is in both "account-ids" and "revoke-account-ids": ` +
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

function parseBoolean(value: string, inputName: string): boolean {
  const parsed = BOOLEANS.get(value)
  if (parsed === undefined) {
    throw new InputError(`Input "${inputName}" must be true or false, not "${value}".`)
  }
  return parsed
}

function required(getInput: GetInput, name: string): string {
  const value = getInput(name)
  if (!value) throw new InputError(`Input "${name}" is required and was not given.`)
  return value
}

function parseBlueprintId(value: string): string {
  if (!BLUEPRINT_ID.test(value)) {
    throw new InputError(
      `Input "blueprint-id" is not a Lighthouse blueprint ID: "${value}". ` +
        'Expected "lhbp-" followed by 8 lowercase letters or digits, e.g. lhbp-6jc6l8yb.'
    )
  }
  return value
}

/** Splits on commas, spaces and newlines; keeps the first of each duplicate, in order. */
export function parseAccountIds(value: string, inputName: string): string[] {
  const ids = value.split(/[\s,]+/).filter(Boolean)
  const invalid = ids.filter((id) => !ACCOUNT_ID.test(id))
  if (invalid.length > 0) {
    const list = invalid.map((id) => `"${id}"`).join(', ')
    throw new InputError(
      `Input "${inputName}" has ${invalid.length === 1 ? 'an invalid account ID' : 'invalid account IDs'}: ${list}. ` +
        'Give the numeric account ID of each root account (Account Center > Account Information), ' +
        'separated by commas, spaces or newlines.'
    )
  }
  if (ids.length === 0) {
    throw new InputError(`Input "${inputName}" has no account IDs in it: "${value}".`)
  }
  return [...new Set(ids)]
}

function parseRegion(value: string): string {
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

/** The host name without the port. */
export function hostnameOf(endpoint: Endpoint): string {
  return new URL(`${endpoint.protocol}${endpoint.host}`).hostname
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** A Tencent Cloud API 3.0 host: tencentcloudapi.com or a name under it. */
export function isTencentCloudHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  return name === 'tencentcloudapi.com' || name.endsWith('.tencentcloudapi.com')
}
