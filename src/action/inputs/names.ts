/**
 * Every input of action.yml, named once: the code reads and names them only
 * through this table (a test holds it equal to action.yml), with the
 * defaults the runner passes when the workflow gives none.
 */
export const INPUT = {
  blueprintId: 'blueprint-id',
  blueprintName: 'blueprint-name',
  imageId: 'image-id',
  family: 'family',
  keepShared: 'keep-shared',
  keepImages: 'keep-images',
  accountIds: 'account-ids',
  organizationUnits: 'organization-units',
  organizationRoleArn: 'organization-role-arn',
  accountIdsFile: 'account-ids-file',
  revokeAccountIds: 'revoke-account-ids',
  revokeUnlisted: 'revoke-unlisted',
  dryRun: 'dry-run',
  failOnDrift: 'fail-on-drift',
  region: 'region',
  roleArn: 'role-arn',
  oidcProviderId: 'oidc-provider-id',
  roleSessionName: 'role-session-name',
  roleDurationSeconds: 'role-duration-seconds',
  oidcAudience: 'oidc-audience',
  stsEndpoint: 'sts-endpoint',
  secretId: 'secret-id',
  secretKey: 'secret-key',
  sessionToken: 'session-token',
  endpoint: 'endpoint',
  language: 'language',
  waitTimeoutSeconds: 'wait-timeout-seconds',
  copyToRegions: 'copy-to-regions',
  maskAccountIds: 'mask-account-ids',
  onAccountError: 'on-account-error'
} as const

export type InputName = (typeof INPUT)[keyof typeof INPUT]

/** The default of every input that has one, as action.yml declares it (a test holds the two equal). */
export const INPUT_DEFAULTS: Partial<Record<InputName, string>> = {
  [INPUT.revokeUnlisted]: 'false',
  [INPUT.dryRun]: 'false',
  [INPUT.failOnDrift]: 'false',
  [INPUT.maskAccountIds]: 'false',
  [INPUT.roleDurationSeconds]: '3600',
  [INPUT.oidcAudience]: 'sts.tencentcloudapi.com',
  [INPUT.endpoint]: 'lighthouse.intl.tencentcloudapi.com',
  [INPUT.language]: 'en-US',
  [INPUT.waitTimeoutSeconds]: '1800',
  [INPUT.onAccountError]: 'fail'
}

/** An input as a message names it: "blueprint-id", quoted. */
export const named = (name: InputName): string => `"${name}"`

/** A problem with what the workflow passed in: reported as is, never retried. */
export class InputError extends Error {
  override name = 'InputError'
}

/** Reads one input, trimmed; '' when it is not set. */
export type GetInput = (name: InputName) => string

/** The inputs as the runner passes them, with the defaults filled in, and the environment beside them. */
export class Inputs {
  constructor(
    private readonly getInput: GetInput,
    readonly env: NodeJS.ProcessEnv
  ) {}

  /** The input as given; '' when it is not. */
  given(name: InputName): string {
    return this.getInput(name)
  }

  /** The input, or its default when the workflow gave none. */
  value(name: InputName): string {
    return this.getInput(name) || INPUT_DEFAULTS[name] || ''
  }

  /** A variable of the environment, trimmed; '' when it is not set. */
  variable(name: string): string {
    return this.env[name]?.trim() ?? ''
  }
}
