/** Where the credentials come from: API keys, or a role assumed with the job's GitHub OIDC token. */
import {
  INPUT_DEFAULTS,
  InputError,
  inputOrDefault,
  parseEndpoint,
  warnIfNotTencentCloud,
  type GetInput
} from './inputs.js'
import { hostnameOf, isLoopback, isTencentCloudHost, type Endpoint } from '../cloud/endpoint.js'
import { proxyPasswords } from '../cloud/proxy.js'
import type { AssumedRoleSettings } from '../cloud/assumed-role.js'
import type {
  CredentialProvider,
  Credentials,
  WebIdentitySettings
} from '../cloud/credential-provider.js'

export type { CredentialProvider, Credentials, WebIdentitySettings }

export type CredentialSettings =
  | { kind: 'keys'; credentials: Credentials }
  | { kind: 'web-identity'; settings: WebIdentitySettings }

/** Token variable names in use by the SDK, tccli and Terraform, in that order of preference. */
const TOKEN_VARIABLES = [
  'TENCENTCLOUD_SESSION_TOKEN',
  'TENCENTCLOUD_TOKEN',
  'TENCENTCLOUD_SECURITY_TOKEN'
] as const
const KEY_INPUTS = ['secret-id', 'secret-key', 'session-token'] as const
const KEY_VARIABLES = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  ...TOKEN_VARIABLES
] as const

/** A role by name, or by its numeric role ID as the STS documentation shows it. */
const ROLE_ARN = /^qcs::cam::uin\/[0-9]+:(roleName\/[\w+=,.@-]{1,128}|role\/[0-9]{1,32})$/
/** STS's rule for RoleSessionName. */
const SESSION_NAME = /^[\w+=,.@-]{2,128}$/
const MAX_DURATION_SECONDS = 43_200

const fromEnv = (env: NodeJS.ProcessEnv, name: string): string => env[name]?.trim() ?? ''

/**
 * Masks every key and token the step can see, in the inputs and in the
 * environment (a proxy's password included), before anything else can log it.
 */
export function maskSecrets(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  setSecret: (secret: string) => void
): void {
  const values = [
    ...KEY_INPUTS.map((name) => getInput(name)),
    ...KEY_VARIABLES.map((name) => fromEnv(env, name)),
    ...proxyPasswords(env)
  ]
  for (const value of values) if (value) setSecret(value)
}

export function readCredentialSettings(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  lighthouseEndpoint: Endpoint,
  notice: (message: string) => void,
  warn: (message: string) => void = notice
): CredentialSettings {
  // Every role input is checked whether or not it is used: a wrong value is an error either way.
  const role = readRoleInputs(getInput, env)
  if (!role.roleArn) {
    // With organization-units, STS is asked too (GetCallerIdentity, and AssumeRole for organization-role-arn).
    const usedByOrganization: readonly string[] = getInput('organization-units')
      ? ORGANIZATION_ROLE_INPUTS
      : []
    const unused = ROLE_INPUTS.filter((name) => {
      if (usedByOrganization.includes(name)) return false
      const value = getInput(name)
      return value && value !== (INPUT_DEFAULTS as Record<string, string>)[name]
    })
    if (unused.length > 0) {
      notice(
        `Ignoring ${unused.map((n) => `"${n}"`).join(', ')}: only used with "role-arn", and the credentials ` +
          'here are API keys.'
      )
    }
    return { kind: 'keys', credentials: readKeys(getInput, env) }
  }

  const keyInputs = KEY_INPUTS.filter((name) => getInput(name))
  if (keyInputs.length > 0) {
    throw new InputError(
      `Inputs "role-arn" and ${keyInputs.map((n) => `"${n}"`).join(', ')} are both set: choose one. ` +
        'With "role-arn" the action gets temporary credentials through GitHub OIDC and needs no API keys.'
    )
  }
  const ignored = KEY_VARIABLES.filter((name) => fromEnv(env, name))
  if (ignored.length > 0) {
    notice(
      `Ignoring ${ignored.join(', ')} from the environment: "role-arn" is set, so credentials come from GitHub OIDC.`
    )
  }
  if (!role.providerId) {
    throw new InputError(
      'Input "oidc-provider-id" is required with "role-arn": give the name of the CAM OIDC identity provider.'
    )
  }
  if (role.stsEndpoint) {
    warnIfNotTencentCloud(
      role.stsEndpoint,
      "the job's GitHub OIDC token goes there, and whoever holds it can assume the role until it expires",
      warn
    )
  }
  if (
    !fromEnv(env, 'ACTIONS_ID_TOKEN_REQUEST_URL') ||
    !fromEnv(env, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN')
  ) {
    // Checked with the inputs, so it fails before any API call.
    throw new InputError(
      'Input "role-arn" is set, but this job cannot get a GitHub OIDC token ' +
        '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ' +
        'Give the job "permissions: id-token: write". Pull requests from forks never get a token: ' +
        'use API keys there, or skip the step.'
    )
  }
  return {
    kind: 'web-identity',
    settings: {
      roleArn: role.roleArn,
      providerId: role.providerId,
      sessionName: role.sessionName,
      durationSeconds: role.durationSeconds,
      audience: role.audience,
      stsEndpoint: role.stsEndpoint ?? defaultStsEndpoint(lighthouseEndpoint)
    }
  }
}

function readKeys(getInput: GetInput, env: NodeJS.ProcessEnv): Credentials {
  const secretId = getInput('secret-id') || fromEnv(env, 'TENCENTCLOUD_SECRET_ID')
  const secretKey = getInput('secret-key') || fromEnv(env, 'TENCENTCLOUD_SECRET_KEY')
  const tokenVariable = TOKEN_VARIABLES.find((name) => fromEnv(env, name))
  const sessionToken =
    getInput('session-token') || (tokenVariable && fromEnv(env, tokenVariable)) || undefined
  const tokenSource = getInput('session-token')
    ? 'input "session-token"'
    : tokenVariable && `the ${tokenVariable} environment variable`
  const missing = [
    secretId ? '' : '"secret-id" (or TENCENTCLOUD_SECRET_ID)',
    secretKey ? '' : '"secret-key" (or TENCENTCLOUD_SECRET_KEY)'
  ].filter(Boolean)
  if (missing.length > 0) {
    throw new InputError(
      `Missing credentials: ${missing.join(' and ')}. Set "role-arn" and "oidc-provider-id" to use GitHub OIDC ` +
        '(recommended), or the "secret-id" and "secret-key" inputs (from repository secrets), or the ' +
        'TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY environment variables.'
    )
  }
  return { secretId, secretKey, sessionToken, tokenSource: sessionToken ? tokenSource : undefined }
}

/** The role inputs organization-role-arn uses too, and the STS host GetCallerIdentity goes to. */
const ORGANIZATION_ROLE_INPUTS = ['role-session-name', 'role-duration-seconds', 'sts-endpoint']

/** The inputs that only matter with "role-arn". */
const ROLE_INPUTS = [
  'oidc-provider-id',
  'role-session-name',
  'role-duration-seconds',
  'oidc-audience',
  'sts-endpoint'
] as const

interface RoleInputs extends Omit<WebIdentitySettings, 'stsEndpoint' | 'roleArn'> {
  roleArn: string
  /** Absent when not given: derived from the Lighthouse endpoint. */
  stsEndpoint?: Endpoint
}

/** The role inputs, each checked when it has a value. */
function readRoleInputs(getInput: GetInput, env: NodeJS.ProcessEnv): RoleInputs {
  const roleArn = getInput('role-arn')
  if (roleArn && !ROLE_ARN.test(roleArn)) {
    throw new InputError(
      `Input "role-arn" is not a CAM role ARN: "${roleArn}". Expected ` +
        'qcs::cam::uin/<account ID>:roleName/<role name> or qcs::cam::uin/<account ID>:role/<role ID>.'
    )
  }
  const sessionName = getInput('role-session-name') || defaultSessionName(env)
  if (!SESSION_NAME.test(sessionName)) {
    throw new InputError(
      `Input "role-session-name" is not a valid session name: "${sessionName}". ` +
        'Use 2 to 128 letters, digits and the characters _ + = , . @ -.'
    )
  }
  const duration = inputOrDefault(getInput, 'role-duration-seconds')
  const durationSeconds = /^[0-9]+$/.test(duration) ? Number(duration) : NaN
  if (!(durationSeconds >= 1 && durationSeconds <= MAX_DURATION_SECONDS)) {
    // STS's own range for DurationSeconds: at most 43200; the role's maximum may be lower.
    throw new InputError(
      `Input "role-duration-seconds" must be a whole number of seconds from 1 to ${MAX_DURATION_SECONDS} ` +
        `(and no more than the role's maximum session duration), not "${duration}".`
    )
  }
  const stsInput = getInput('sts-endpoint')
  return {
    roleArn,
    providerId: getInput('oidc-provider-id'),
    sessionName,
    durationSeconds,
    audience: inputOrDefault(getInput, 'oidc-audience'),
    stsEndpoint: stsInput ? parseEndpoint(stsInput, 'sts-endpoint') : undefined
  }
}

/**
 * Where the GitHub token goes when "sts-endpoint" is not set: the STS host of
 * the endpoint's site (lighthouse.X becomes sts.X), or a loopback endpoint
 * itself (an emulator). Never a host outside Tencent Cloud, which could
 * replay the token to assume the role.
 */
export function defaultStsEndpoint(
  endpoint: Endpoint,
  why = 'Input "role-arn" is set',
  whatGoesThere = 'the GitHub OIDC token would go there'
): Endpoint {
  const hostname = hostnameOf(endpoint)
  if (!isTencentCloudHost(hostname) && !isLoopback(hostname)) {
    throw new InputError(
      `${why} and "endpoint" is ${hostname}, which is not a Tencent Cloud API host, so the ` +
        `STS host is not derived from it: ${whatGoesThere}. Set "sts-endpoint" ` +
        '(e.g. sts.tencentcloudapi.com, or sts.intl.tencentcloudapi.com) to say where it may go.'
    )
  }
  return {
    ...endpoint,
    host: endpoint.host.replace(/^lighthouse\./, 'sts.'),
    source: 'the STS host derived from input "endpoint" (set "sts-endpoint" to choose another)'
  }
}

/** How the organization is read: where its API and STS are, and the role to read it as, if any. */
export interface OrganizationAccess {
  endpoint: Endpoint
  /** AssumeRole and GetCallerIdentity go here, signed with the step's credentials. */
  stsEndpoint: Endpoint
  role?: AssumedRoleSettings
  /** The image owner's account when the credentials say it (a role ARN names its account); else asked of STS. */
  ownerAccount?: string
}

/**
 * With organization-units: the Organization host of the endpoint's site
 * (lighthouse.X becomes organization.X; a loopback endpoint stays itself),
 * and organization-role-arn with the role inputs' session name and duration.
 */
export function readOrganizationAccess(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  lighthouseEndpoint: Endpoint,
  credentials: CredentialSettings,
  notice: (message: string) => void
): OrganizationAccess | undefined {
  const roleArn = getInput('organization-role-arn')
  if (roleArn && !ROLE_ARN.test(roleArn)) {
    throw new InputError(
      `Input "organization-role-arn" is not a CAM role ARN: "${roleArn}". Expected ` +
        'qcs::cam::uin/<management account ID>:roleName/<role name> or qcs::cam::uin/<account ID>:role/<role ID>.'
    )
  }
  if (!getInput('organization-units')) {
    if (roleArn)
      notice('Ignoring "organization-role-arn": it is only used with "organization-units".')
    return undefined
  }
  const hostname = hostnameOf(lighthouseEndpoint)
  if (!isTencentCloudHost(hostname) && !isLoopback(hostname)) {
    throw new InputError(
      `Input "organization-units" is set and "endpoint" is ${hostname}, which is not a Tencent Cloud API host, ` +
        'so the Organization API host is not derived from it: signed requests would go there. Use a Tencent ' +
        'Cloud endpoint (lighthouse.tencentcloudapi.com or lighthouse.intl.tencentcloudapi.com).'
    )
  }
  const role = readRoleInputs(getInput, env)
  const stsEndpoint =
    credentials.kind === 'web-identity'
      ? credentials.settings.stsEndpoint
      : (role.stsEndpoint ??
        defaultStsEndpoint(
          lighthouseEndpoint,
          'Input "organization-units" is set',
          'signed STS requests would go there'
        ))
  return {
    endpoint: organizationEndpoint(lighthouseEndpoint),
    stsEndpoint,
    role: roleArn
      ? {
          roleArn,
          sessionName: role.sessionName,
          durationSeconds: role.durationSeconds,
          inputName: 'organization-role-arn'
        }
      : undefined,
    ownerAccount:
      credentials.kind === 'web-identity' ? accountOfRole(credentials.settings.roleArn) : undefined
  }
}

/**
 * The Organization API of the endpoint's site: a global service, so one host
 * a site (a regional Lighthouse host names the same site); a loopback
 * endpoint (an emulator) is itself.
 */
function organizationEndpoint(endpoint: Endpoint): Endpoint {
  if (isLoopback(hostnameOf(endpoint))) return endpoint
  const international = /\.intl\.tencentcloudapi\.com$/i.test(hostnameOf(endpoint))
  return {
    protocol: 'https://',
    host: international
      ? 'organization.intl.tencentcloudapi.com'
      : 'organization.tencentcloudapi.com',
    source: `the Organization host of the ${international ? 'international' : 'China'} site (from input "endpoint")`
  }
}

/** The account a role ARN names: the role acts in it. */
function accountOfRole(roleArn: string): string | undefined {
  return /^qcs::cam::uin\/([0-9]+):/.exec(roleArn)?.[1]
}

/** Names the repository and run in CloudAudit, e.g. gh-octo-org-golden-images-4242-1. */
export function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const runId = fromEnv(env, 'GITHUB_RUN_ID')
  if (!runId) return 'lighthouse-share-blueprint'
  const suffix = `-${runId}-${fromEnv(env, 'GITHUB_RUN_ATTEMPT') || '1'}`
  const repository = fromEnv(env, 'GITHUB_REPOSITORY').replace(/[^\w+=,.@-]/g, '-')
  return `gh-${repository}`.slice(0, 128 - suffix.length) + suffix
}

export function staticCredentials(credentials: Credentials): CredentialProvider {
  const kind = credentials.sessionToken ? 'temporary API key' : 'API key'
  return {
    get: () => Promise.resolve(credentials),
    identity: `${kind} ${credentials.secretId.slice(0, 6)}…`,
    tokenSource: credentials.tokenSource
  }
}
