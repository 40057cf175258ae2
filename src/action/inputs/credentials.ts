/**
 * Where the credentials come from: API keys (inputs, else the environment),
 * or a role assumed with the job's GitHub OIDC token; and how the
 * organization is read. Every key and token is masked before anything else.
 */
import {
  hostnameOf,
  organizationEndpointOf,
  stsEndpointOf,
  type Endpoint
} from '../../cloud/endpoint.js'
import { proxyPasswords } from '../../cloud/proxy.js'
import type { AssumedRoleSettings } from '../../cloud/assumed-role.js'
import type { Credentials, WebIdentitySettings } from '../../cloud/credential-provider.js'
import { parseEndpoint, warnIfNotTencentCloud } from './parse.js'
import { INPUT, INPUT_DEFAULTS, InputError, named, type InputName, type Inputs } from './names.js'

export type CredentialSettings =
  | { kind: 'keys'; credentials: Credentials }
  | { kind: 'web-identity'; settings: WebIdentitySettings }

/** Token variable names in use by the SDK, tccli and Terraform, in that order of preference. */
const TOKEN_VARIABLES = [
  'TENCENTCLOUD_SESSION_TOKEN',
  'TENCENTCLOUD_TOKEN',
  'TENCENTCLOUD_SECURITY_TOKEN'
] as const
const KEY_INPUTS = [INPUT.secretId, INPUT.secretKey, INPUT.sessionToken] as const
const KEY_VARIABLES = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  ...TOKEN_VARIABLES
] as const

/** A role by name, or by its numeric role ID as the STS documentation shows it. */
/**
 * The forms AssumeRole's RoleArn documents: a role by name or ID, and a
 * service role by ID (tencentcloudServiceRole/) or name (tencentcloudServiceRoleName/).
 */
const ROLE_ARN =
  /^qcs::cam::uin\/[0-9]+:(roleName\/[\w+=,.@-]{1,128}|role\/[0-9]{1,32}|role\/tencentcloudServiceRole\/[0-9]{1,32}|role\/tencentcloudServiceRoleName\/[\w+=,.@-]{1,128})$/
/** STS's rule for RoleSessionName. */
const SESSION_NAME = /^[\w+=,.@-]{2,128}$/
const MAX_DURATION_SECONDS = 43_200

/**
 * Masks every key and token the step can see, in the inputs and in the
 * environment (a proxy's password included), before anything else can log it.
 */
export function maskSecrets(inputs: Inputs, setSecret: (secret: string) => void): void {
  const values = [
    ...KEY_INPUTS.map((name) => inputs.given(name)),
    ...KEY_VARIABLES.map((name) => inputs.variable(name)),
    ...proxyPasswords(inputs.env)
  ]
  for (const value of values) if (value) setSecret(value)
}

export function readCredentialSettings(
  inputs: Inputs,
  lighthouseEndpoint: Endpoint,
  notice: (message: string) => void,
  warn: (message: string) => void = notice
): CredentialSettings {
  // Every role input is checked whether or not it is used: a wrong value is an error either way.
  const role = readRoleInputs(inputs)
  if (!role.roleArn) {
    noticeUnusedRoleInputs(inputs, notice)
    return { kind: 'keys', credentials: readKeys(inputs) }
  }
  const roleArn = named(INPUT.roleArn)
  const keyInputs = KEY_INPUTS.filter((name) => inputs.given(name))
  if (keyInputs.length > 0) {
    throw new InputError(
      `Inputs ${roleArn} and ${keyInputs.map(named).join(', ')} are both set: choose one. ` +
        `With ${roleArn} the action gets temporary credentials through GitHub OIDC and needs no API keys.`
    )
  }
  const ignored = KEY_VARIABLES.filter((name) => inputs.variable(name))
  if (ignored.length > 0) {
    notice(
      `Ignoring ${ignored.join(', ')} from the environment: ${roleArn} is set, so credentials come from GitHub OIDC.`
    )
  }
  if (!role.providerId) {
    throw new InputError(
      `Input ${named(INPUT.oidcProviderId)} is required with ${roleArn}: give the name of the CAM OIDC identity provider.`
    )
  }
  if (role.stsEndpoint) {
    warnIfNotTencentCloud(
      role.stsEndpoint,
      "the job's GitHub OIDC token goes there, and whoever holds it can assume the role until it expires",
      warn
    )
  }
  requireIdToken(inputs)
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

/** With API keys, the role inputs set to other than their defaults are named as unused (those the organization uses aside). */
function noticeUnusedRoleInputs(inputs: Inputs, notice: (message: string) => void): void {
  // With organization-units, STS is asked too (GetCallerIdentity, and AssumeRole for organization-role-arn).
  const usedByOrganization: readonly InputName[] = inputs.given(INPUT.organizationUnits)
    ? ORGANIZATION_ROLE_INPUTS
    : []
  const unused = ROLE_INPUTS.filter((name) => {
    if (usedByOrganization.includes(name)) return false
    const value = inputs.given(name)
    return value && value !== INPUT_DEFAULTS[name]
  })
  if (unused.length > 0) {
    notice(
      `Ignoring ${unused.map(named).join(', ')}: only used with ${named(INPUT.roleArn)}, and the credentials ` +
        'here are API keys.'
    )
  }
}

/** Checked with the inputs, so a job that cannot get a GitHub OIDC token fails before any API call. */
function requireIdToken(inputs: Inputs): void {
  if (
    inputs.variable('ACTIONS_ID_TOKEN_REQUEST_URL') &&
    inputs.variable('ACTIONS_ID_TOKEN_REQUEST_TOKEN')
  ) {
    return
  }
  throw new InputError(
    `Input ${named(INPUT.roleArn)} is set, but this job cannot get a GitHub OIDC token ` +
      '(ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ' +
      'Give the job "permissions: id-token: write". Pull requests from forks never get a token: ' +
      'use API keys there, or skip the step.'
  )
}

function readKeys(inputs: Inputs): Credentials {
  const secretId = inputs.given(INPUT.secretId) || inputs.variable('TENCENTCLOUD_SECRET_ID')
  const secretKey = inputs.given(INPUT.secretKey) || inputs.variable('TENCENTCLOUD_SECRET_KEY')
  const tokenVariable = TOKEN_VARIABLES.find((name) => inputs.variable(name))
  const sessionToken =
    inputs.given(INPUT.sessionToken) ||
    (tokenVariable && inputs.variable(tokenVariable)) ||
    undefined
  const tokenSource = inputs.given(INPUT.sessionToken)
    ? `input ${named(INPUT.sessionToken)}`
    : tokenVariable && `the ${tokenVariable} environment variable`
  const missing = [
    secretId ? '' : `${named(INPUT.secretId)} (or TENCENTCLOUD_SECRET_ID)`,
    secretKey ? '' : `${named(INPUT.secretKey)} (or TENCENTCLOUD_SECRET_KEY)`
  ].filter(Boolean)
  if (missing.length > 0) {
    throw new InputError(
      `Missing credentials: ${missing.join(' and ')}. Set ${named(INPUT.roleArn)} and ` +
        `${named(INPUT.oidcProviderId)} to use GitHub OIDC (recommended), or the ${named(INPUT.secretId)} and ` +
        `${named(INPUT.secretKey)} inputs (from repository secrets), or the TENCENTCLOUD_SECRET_ID and ` +
        'TENCENTCLOUD_SECRET_KEY environment variables.'
    )
  }
  return { secretId, secretKey, sessionToken, tokenSource: sessionToken ? tokenSource : undefined }
}

/** The role inputs organization-role-arn uses too, and the STS host GetCallerIdentity goes to. */
const ORGANIZATION_ROLE_INPUTS: readonly InputName[] = [
  INPUT.roleSessionName,
  INPUT.roleDurationSeconds,
  INPUT.stsEndpoint
]

/** The inputs that only matter with "role-arn". */
const ROLE_INPUTS: readonly InputName[] = [
  INPUT.oidcProviderId,
  INPUT.roleSessionName,
  INPUT.roleDurationSeconds,
  INPUT.oidcAudience,
  INPUT.stsEndpoint
]

interface RoleInputs extends Omit<WebIdentitySettings, 'stsEndpoint' | 'roleArn'> {
  roleArn: string
  /** Absent when not given: derived from the Lighthouse endpoint. */
  stsEndpoint?: Endpoint
}

/** A role ARN input, checked: '' when not given. */
function readRoleArn(inputs: Inputs, name: InputName, example: string): string {
  const roleArn = inputs.given(name)
  if (roleArn && !ROLE_ARN.test(roleArn)) {
    throw new InputError(
      `Input ${named(name)} is not a CAM role ARN: "${roleArn}". Expected ` +
        `qcs::cam::uin/<${example}>:roleName/<role name> or qcs::cam::uin/<${example}>:role/<role ID> ` +
        '(a service role: role/tencentcloudServiceRole/<role ID> or role/tencentcloudServiceRoleName/<role name>).'
    )
  }
  return roleArn
}

/** The role inputs, each checked when it has a value. */
function readRoleInputs(inputs: Inputs): RoleInputs {
  const roleArn = readRoleArn(inputs, INPUT.roleArn, 'account ID')
  const sessionName = inputs.given(INPUT.roleSessionName) || defaultSessionName(inputs)
  if (!SESSION_NAME.test(sessionName)) {
    throw new InputError(
      `Input ${named(INPUT.roleSessionName)} is not a valid session name: "${sessionName}". ` +
        'Use 2 to 128 letters, digits and the characters _ + = , . @ -.'
    )
  }
  const duration = inputs.value(INPUT.roleDurationSeconds)
  const durationSeconds = /^[0-9]+$/.test(duration) ? Number(duration) : NaN
  if (!(durationSeconds >= 1 && durationSeconds <= MAX_DURATION_SECONDS)) {
    // STS's own range for DurationSeconds: at most 43200; the role's maximum may be lower.
    throw new InputError(
      `Input ${named(INPUT.roleDurationSeconds)} must be a whole number of seconds from 1 to ${MAX_DURATION_SECONDS} ` +
        `(and no more than the role's maximum session duration), not "${duration}".`
    )
  }
  const stsInput = inputs.given(INPUT.stsEndpoint)
  return {
    roleArn,
    providerId: inputs.given(INPUT.oidcProviderId),
    sessionName,
    durationSeconds,
    audience: inputs.value(INPUT.oidcAudience),
    stsEndpoint: stsInput ? parseEndpoint(stsInput, INPUT.stsEndpoint) : undefined
  }
}

/**
 * Where STS requests go when "sts-endpoint" is not set: the STS host of the
 * endpoint's site, or a loopback endpoint itself (an emulator). Never a host
 * outside Tencent Cloud, which could replay the token to assume the role.
 */
export function defaultStsEndpoint(
  endpoint: Endpoint,
  why = `Input ${named(INPUT.roleArn)} is set`,
  whatGoesThere = 'the GitHub OIDC token would go there'
): Endpoint {
  const source = `the STS host derived from input ${named(INPUT.endpoint)} (set ${named(INPUT.stsEndpoint)} to choose another)`
  const derived = stsEndpointOf(endpoint, source)
  if (derived) return derived
  throw new InputError(
    `${why} and ${named(INPUT.endpoint)} is ${hostnameOf(endpoint)}, which is not a Tencent Cloud API host, so the ` +
      `STS host is not derived from it: ${whatGoesThere}. Set ${named(INPUT.stsEndpoint)} ` +
      '(e.g. sts.tencentcloudapi.com, or sts.intl.tencentcloudapi.com) to say where it may go.'
  )
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
 * With organization-units: the Organization host of the endpoint's site,
 * and organization-role-arn with the role inputs' session name and duration.
 */
export function readOrganizationAccess(
  inputs: Inputs,
  lighthouseEndpoint: Endpoint,
  credentials: CredentialSettings,
  notice: (message: string) => void
): OrganizationAccess | undefined {
  const roleArn = readRoleArn(inputs, INPUT.organizationRoleArn, 'management account ID')
  const units = named(INPUT.organizationUnits)
  if (!inputs.given(INPUT.organizationUnits)) {
    if (roleArn) {
      notice(`Ignoring ${named(INPUT.organizationRoleArn)}: it is only used with ${units}.`)
    }
    return undefined
  }
  const endpoint = organizationEndpointOf(
    lighthouseEndpoint,
    (site) => `the Organization host of the ${site} site (from input ${named(INPUT.endpoint)})`
  )
  if (!endpoint) {
    throw new InputError(
      `Input ${units} is set and ${named(INPUT.endpoint)} is ${hostnameOf(lighthouseEndpoint)}, which is not a Tencent Cloud API host, ` +
        'so the Organization API host is not derived from it: signed requests would go there. Use a Tencent ' +
        'Cloud endpoint (lighthouse.tencentcloudapi.com or lighthouse.intl.tencentcloudapi.com).'
    )
  }
  const role = readRoleInputs(inputs)
  const stsEndpoint =
    credentials.kind === 'web-identity'
      ? credentials.settings.stsEndpoint
      : (role.stsEndpoint ??
        defaultStsEndpoint(
          lighthouseEndpoint,
          `Input ${units} is set`,
          'signed STS requests would go there'
        ))
  return {
    endpoint,
    stsEndpoint,
    role: roleArn
      ? {
          roleArn,
          sessionName: role.sessionName,
          durationSeconds: role.durationSeconds,
          inputName: INPUT.organizationRoleArn
        }
      : undefined,
    ownerAccount:
      credentials.kind === 'web-identity' ? accountOfRole(credentials.settings.roleArn) : undefined
  }
}

/** The account a role ARN names: the role acts in it. */
function accountOfRole(roleArn: string): string | undefined {
  return /^qcs::cam::uin\/([0-9]+):/.exec(roleArn)?.[1]
}

/** Names the repository and run in CloudAudit, e.g. gh-octo-org-golden-images-4242-1. */
export function defaultSessionName(inputs: Pick<Inputs, 'variable'>): string {
  const runId = inputs.variable('GITHUB_RUN_ID')
  if (!runId) return 'lighthouse-share-blueprint'
  const suffix = `-${runId}-${inputs.variable('GITHUB_RUN_ATTEMPT') || '1'}`
  const repository = inputs.variable('GITHUB_REPOSITORY').replace(/[^\w+=,.@-]/g, '-')
  return `gh-${repository}`.slice(0, 128 - suffix.length) + suffix
}
