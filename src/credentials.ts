/** Where the API keys come from, and keeping them out of every log. */
import { InputError, type GetInput } from './inputs.js'

export interface Credentials {
  secretId: string
  secretKey: string
  /** Present with temporary credentials; sent as X-TC-Token. */
  sessionToken?: string
}

/** Token variable names in use by the SDK, tccli and Terraform, in that order of preference. */
const TOKEN_VARIABLES = [
  'TENCENTCLOUD_SESSION_TOKEN',
  'TENCENTCLOUD_TOKEN',
  'TENCENTCLOUD_SECURITY_TOKEN'
] as const

/**
 * API keys from the inputs, else from the environment. Every value is masked
 * with setSecret as soon as it is read, before anything can log it.
 */
export function readStaticCredentials(
  getInput: GetInput,
  env: NodeJS.ProcessEnv,
  setSecret: (secret: string) => void
): Credentials {
  const fromEnv = (name: string): string => env[name]?.trim() ?? ''
  const secretId = getInput('secret-id') || fromEnv('TENCENTCLOUD_SECRET_ID')
  const secretKey = getInput('secret-key') || fromEnv('TENCENTCLOUD_SECRET_KEY')
  const sessionToken =
    getInput('session-token') || TOKEN_VARIABLES.map(fromEnv).find(Boolean) || undefined
  for (const secret of [secretId, secretKey, sessionToken]) if (secret) setSecret(secret)

  const missing = [
    secretId ? '' : '"secret-id" (or TENCENTCLOUD_SECRET_ID)',
    secretKey ? '' : '"secret-key" (or TENCENTCLOUD_SECRET_KEY)'
  ].filter(Boolean)
  if (missing.length > 0) {
    throw new InputError(
      `Missing credentials: ${missing.join(' and ')}. Set the "secret-id" and "secret-key" inputs ` +
        '(from repository secrets), or the TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY environment variables.'
    )
  }
  return { secretId, secretKey, sessionToken }
}

/** Who is acting, for the summary: never more of the key ID than its first characters. */
export function describeIdentity(credentials: Credentials): string {
  const kind = credentials.sessionToken ? 'temporary API key' : 'API key'
  return `${kind} ${credentials.secretId.slice(0, 6)}…`
}
