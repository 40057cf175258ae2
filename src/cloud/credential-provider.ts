/** What signs requests: credentials, and the provider that hands out current ones (keys, or a role's renewed ones). */
import type { Endpoint } from './endpoint.js'

export interface Credentials {
  secretId: string
  secretKey: string
  /** Present with temporary credentials; sent as X-TC-Token. */
  sessionToken?: string
  /** Where the session token came from (input or environment variable), for hints. */
  tokenSource?: string
}

export interface CredentialProvider {
  /** Credentials good for the next request; a provider of temporary ones renews them before they expire. */
  get(): Promise<Credentials>
  /** Who acts, for the summary: never a secret. */
  readonly identity: string
  /** Where a session token of API keys came from, for hints: input "session-token" or its variable. */
  readonly tokenSource?: string
  /** Gets new credentials now, when the API says the current ones expired; absent when they cannot be renewed. */
  renew?(): Promise<void>
}

export interface WebIdentitySettings {
  roleArn: string
  providerId: string
  sessionName: string
  durationSeconds: number
  audience: string
  stsEndpoint: Endpoint
}

/** API keys as a provider: they never change, and are named by their first six characters only. */
export function staticCredentials(credentials: Credentials): CredentialProvider {
  const kind = credentials.sessionToken ? 'temporary API key' : 'API key'
  return {
    get: () => Promise.resolve(credentials),
    identity: `${kind} ${credentials.secretId.slice(0, 6)}…`,
    tokenSource: credentials.tokenSource
  }
}
