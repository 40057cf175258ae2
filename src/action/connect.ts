/**
 * From settings to clients: the credentials (keys, or a GitHub OIDC role),
 * a transport per service and region through the runner's proxy, one rate
 * limiter for every caller, and the Organization API with its own
 * credentials when asked for. Account IDs the APIs answer with are handed
 * to `learn` as they are read, so the mask knows them before any line names them.
 */
import { describeError } from '../cloud/api-errors.js'
import { AssumedRoleCredentials } from '../cloud/assumed-role.js'
import { ownAccount } from '../cloud/caller-identity.js'
import { staticCredentials, type CredentialProvider } from '../cloud/credential-provider.js'
import type { Endpoint } from '../cloud/endpoint.js'
import { createLighthouseApi, type LighthouseApi } from '../cloud/lighthouse.js'
import { createOrganizationApi, type OrganizationApi } from '../cloud/organization.js'
import { proxyFor } from '../cloud/proxy.js'
import { Caller, RateLimiter } from '../cloud/retry.js'
import { WebIdentityCredentials } from '../cloud/web-identity.js'
import type { ConnectionOptions, Transport } from '../cloud/api-transport.js'
import { withPrefix, type Logger } from '../common/logger.js'
import { OrganizationError } from '../sharing/targets/organization.js'
import type { OrganizationAccess } from './inputs/credentials.js'
import { INPUT, named } from './inputs/names.js'
import { INPUT_TERMS } from './inputs/terms.js'
import type { Settings } from './inputs/settings.js'
import type { Runtime } from './runtime.js'

/** Well under a minute, so a hung connection is retried rather than stalling the step. */
const REQUEST_TIMEOUT_SECONDS = 20
/** The API allows 20 requests a second per action; keep a margin for timing differences. */
const REQUESTS_PER_SECOND = 18

/** The organization's API, and the image owner's account, which is never a share target. */
export interface OrganizationClient {
  api: OrganizationApi
  ownerAccount: () => Promise<string>
}

export interface Clients {
  /** The Lighthouse API in a region (requests carry that region); one client per region. */
  apiFor: (region: string) => LighthouseApi
  /** Who acts, for the summary: never a secret. */
  identity: string
  /** With organization-units. */
  organization?: OrganizationClient
}

export function connect(
  settings: Settings,
  runtime: Runtime,
  learn: (accountIds: readonly string[]) => void
): Clients {
  const connections = new Connections(settings, runtime)
  const credentials = connections.credentials()
  const { log } = runtime
  const { endpoint } = settings
  const { image } = settings
  const which =
    image.id ??
    (image.cvmImage ? `the blueprint of CVM image ${image.cvmImage}` : undefined) ??
    `the newest image named "${image.name}"`
  log.info(
    `${settings.dryRun ? 'Dry run for' : 'Updating'} the shares of ${which} in ${settings.region} ` +
      `through ${endpoint.protocol}${endpoint.host} as ${credentials.identity}`
  )
  const proxy = proxyFor(endpoint)
  if (proxy) {
    log.info(`Through the proxy at ${new URL(proxy).host} (from the proxy environment variables).`)
  }
  const apis = new Map<string, LighthouseApi>()
  const apiFor = (region: string): LighthouseApi => {
    let api = apis.get(region)
    if (!api) apis.set(region, (api = learning(connections.lighthouse(region, credentials), learn)))
    return api
  }
  const organization = settings.organization
    ? connections.organization(settings.organization, credentials, learn)
    : undefined
  return { apiFor, identity: credentials.identity, organization }
}

/** Every caller of a run: one rate limiter (the API's limit is per account and action, whoever calls). */
class Connections {
  private readonly limiter: RateLimiter
  private readonly options: Omit<ConnectionOptions, 'endpoint' | 'region'>

  constructor(
    private readonly settings: Settings,
    private readonly runtime: Runtime
  ) {
    this.limiter = new RateLimiter(REQUESTS_PER_SECOND, runtime.clock)
    this.options = {
      language: settings.language,
      requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      terms: INPUT_TERMS
    }
  }

  /** A Caller; with the credentials that sign its requests, it renews them when the API says they expired. */
  private caller(transport: Transport, signer?: CredentialProvider, log?: Logger): Caller {
    const { runtime } = this
    return new Caller({
      transport,
      clock: runtime.clock,
      random: runtime.random,
      limiter: this.limiter,
      policy: runtime.retryPolicy,
      log: log ?? runtime.log,
      renewCredentials: signer?.renew && (() => signer.renew!())
    })
  }

  /** API keys as they are, or a role's credentials through GitHub OIDC and STS. */
  credentials(): CredentialProvider {
    const { settings, runtime } = this
    const chosen = settings.credentials
    if (chosen.kind === 'keys') return staticCredentials(chosen.credentials)
    const { stsEndpoint } = chosen.settings
    const sts = this.caller(
      runtime.createStsTransport({
        ...this.options,
        region: settings.region,
        endpoint: stsEndpoint,
        proxy: proxyFor(stsEndpoint)
      })
    )
    return new WebIdentityCredentials(chosen.settings, {
      fetchIdToken: runtime.getIdToken,
      sts,
      clock: runtime.clock,
      random: runtime.random,
      policy: runtime.retryPolicy,
      setSecret: runtime.setSecret,
      log: runtime.log
    })
  }

  /** The Lighthouse API of a region; with copies, each retry line says which region it is about. */
  lighthouse(region: string, credentials: CredentialProvider): LighthouseApi {
    const { settings, runtime } = this
    const transport = runtime.createTransport({
      ...this.options,
      region,
      endpoint: settings.endpoint,
      proxy: proxyFor(settings.endpoint),
      credentials
    })
    const log =
      settings.copyToRegions.length > 0 ? withPrefix(runtime.log, `[${region}] `) : runtime.log
    return createLighthouseApi(this.caller(transport, credentials, log))
  }

  /**
   * The Organization API, signed with the organization role's credentials
   * (assumed with the step's own) or the step's own; STS for the role and,
   * with API keys, for whose keys they are.
   */
  organization(
    access: OrganizationAccess,
    credentials: CredentialProvider,
    learn: (accountIds: readonly string[]) => void
  ): OrganizationClient {
    const { runtime } = this
    const sts = this.signed('sts', access.stsEndpoint, credentials)
    const reader = access.role
      ? new AssumedRoleCredentials(access.role, {
          sts,
          clock: runtime.clock,
          setSecret: runtime.setSecret,
          log: runtime.log
        })
      : credentials
    const api = createOrganizationApi(this.signed('organization', access.endpoint, reader))
    const known = access.ownerAccount
    return {
      api: learningMembers(api, learn),
      ownerAccount: async () => {
        if (known) return known
        const owner = await ownAccount(sts, access.role ? undefined : api).catch(
          (error: unknown) => {
            throw new OrganizationError(
              "Could not learn the image owner's account, which is left out of the organization's members " +
                `(STS GetCallerIdentity): ${describeError(error)}`,
              { cause: error }
            )
          }
        )
        if (owner) return owner
        throw new OrganizationError(
          "Could not learn the image owner's account, which is left out of the organization's members: " +
            'STS GetCallerIdentity does not take these temporary credentials (InvalidParameter.AccessKeyNotSupport; ' +
            'Tencent documents it for long-term keys and AssumeRole credentials), and the organization does not ' +
            `name them its management account. Use long-term keys, or GitHub OIDC with ${named(INPUT.roleArn)}, ` +
            'whose ARN names the account.'
        )
      }
    }
  }

  private signed(service: 'sts' | 'organization', endpoint: Endpoint, signer: CredentialProvider) {
    const transport = this.runtime.createTransport({
      ...this.options,
      region: this.settings.region,
      endpoint,
      proxy: proxyFor(endpoint),
      credentials: signer,
      service
    })
    return this.caller(transport, signer)
  }
}

/** The Lighthouse API whose share lists tell `learn` every account they name. */
function learning(
  api: LighthouseApi,
  learn: (accountIds: readonly string[]) => void
): LighthouseApi {
  const told = <T extends readonly string[]>(ids: T): T => (learn(ids), ids)
  return {
    ...api,
    listSharedAccounts: async (id) => told(await api.listSharedAccounts(id)),
    findSharedAccounts: async (id, accounts) => told(await api.findSharedAccounts(id, accounts))
  }
}

/** The Organization API whose member lists tell `learn` every member. */
function learningMembers(
  api: OrganizationApi,
  learn: (accountIds: readonly string[]) => void
): OrganizationApi {
  const told = <T extends { accountId: string }[]>(members: T): T => (
    learn(members.map((m) => m.accountId)),
    members
  )
  return {
    ...api,
    listMembers: async () => told(await api.listMembers()),
    searchMembers: async (key) => told(await api.searchMembers(key))
  }
}
