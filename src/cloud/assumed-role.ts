/** Credentials of a CAM role assumed with the step's own credentials (STS AssumeRole), e.g. a role in the organization's management account. */
import { describeError } from './api-errors.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import type { Caller } from './retry.js'
import {
  CredentialError,
  RenewedCredentials,
  readIssued,
  type IssuedCredentials
} from './issued-credentials.js'

export interface AssumedRoleSettings {
  roleArn: string
  sessionName: string
  durationSeconds: number
  /** The input that names the role, for messages: e.g. 'organization-role-arn'. */
  inputName: string
}

export interface AssumedRoleDeps {
  /** STS, signed with the credentials that assume the role. */
  sts: Caller
  clock: Clock
  setSecret(secret: string): void
  log: Logger
}

export class AssumedRoleCredentials extends RenewedCredentials {
  readonly identity: string
  protected readonly assumed: string

  constructor(
    private readonly settings: AssumedRoleSettings,
    private readonly deps: AssumedRoleDeps
  ) {
    super(deps)
    this.identity = `role ${settings.roleArn} (session ${settings.sessionName})`
    this.assumed = `role ${settings.roleArn} ("${settings.inputName}") as session ${settings.sessionName}`
  }

  protected async issue(): Promise<{ issued: IssuedCredentials; durationSeconds: number }> {
    const { settings, deps } = this
    let issued: IssuedCredentials
    try {
      issued = await deps.sts.call(
        'AssumeRole',
        {
          RoleArn: settings.roleArn,
          RoleSessionName: settings.sessionName,
          DurationSeconds: settings.durationSeconds
        },
        { read: readIssued('AssumeRole') }
      )
    } catch (error) {
      throw new CredentialError(
        `Could not assume the role in "${settings.inputName}", ${settings.roleArn}: ${describeError(error)}`,
        { cause: error }
      )
    }
    return { issued, durationSeconds: settings.durationSeconds }
  }
}
