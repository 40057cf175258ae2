/** The action's control flow: inputs, credentials, the share, the report. */
import * as core from '@actions/core'
import { describeError } from '../cloud/api-errors.js'
import { CHANGES } from '../sharing/change.js'
import { withPrefix, type Logger } from '../common/logger.js'
import {
  maskSecrets,
  readCredentialSettings,
  readOrganizationAccess,
  staticCredentials,
  type CredentialProvider,
  type CredentialSettings,
  type OrganizationAccess
} from './credentials.js'
import { AssumedRoleCredentials } from '../cloud/assumed-role.js'
import { callerAccount } from '../cloud/caller-identity.js'
import {
  createOrganizationApi,
  type OrganizationApi,
  type OrganizationMember
} from '../cloud/organization.js'
import {
  OrganizationError,
  findOrganizationTargets,
  withMembers,
  type UnitSelection
} from '../sharing/organization-targets.js'
import {
  InputError,
  readShareInputs,
  wantsMasking,
  type ActionInputs,
  type OnAccountError
} from './inputs.js'
import { inFamily, newestNamed } from '../sharing/lifecycle/versions.js'
import { FamilyLifecycle } from '../sharing/lifecycle/lifecycle.js'
import type { RegionLifecycle } from '../sharing/lifecycle/record.js'
import type { Endpoint } from '../cloud/endpoint.js'
import { AccountMask } from './account-mask.js'
import { createLighthouseApi, type Blueprint, type LighthouseApi } from '../cloud/lighthouse.js'
import { accountShower } from '../sharing/plan.js'
import { keepFamily, shareAcrossRegions, type RegionResult } from '../sharing/regions.js'
import {
  accountLines,
  accountsGroupTitle,
  summaryRows,
  setOutputs,
  writeSummary,
  type RunContext,
  type SummaryWriter
} from './report.js'
import {
  ShareReport,
  moreRefusals,
  namedRefusals,
  type CopyOrigin
} from '../sharing/share-report.js'
import { systemClock, type Clock } from '../common/clock.js'
import { Caller, DEFAULT_RETRY_POLICY, RateLimiter, type RetryPolicy } from '../cloud/retry.js'
import { proxyFor } from '../cloud/proxy.js'
import {
  createSignedTransport,
  createStsTransport,
  type ConnectionOptions,
  type Transport,
  type TransportOptions
} from '../cloud/api-transport.js'
import { shareBlueprint, type ShareDeps } from '../sharing/share.js'
import { bounded } from '../common/untrusted.js'
import type { WaitSchedule } from '../sharing/wait.js'
import { WebIdentityCredentials } from '../cloud/web-identity.js'

/** Well under a minute, so a hung connection is retried rather than stalling the step. */
const REQUEST_TIMEOUT_SECONDS = 20
/** The API allows 20 requests a second per action; keep a margin for timing differences. */
const REQUESTS_PER_SECOND = 18

/** Everything run() touches outside itself, so tests can pass fakes. */
export interface Runtime {
  getInput: (name: string) => string
  setSecret: (secret: string) => void
  setOutput: (name: string, value: string) => void
  setFailed: (message: string) => void
  log: Logger
  /** core.getIDToken: the job's GitHub OIDC token for an audience. */
  getIdToken: (audience: string) => Promise<string>
  env: NodeJS.ProcessEnv
  /** undefined when the runner gives no summary file (a local run). */
  summary?: SummaryWriter
  /** Loaded when the summary is written, so it costs nothing at start-up. */
  runContext: () => Promise<RunContext>
  createTransport: (options: TransportOptions) => Transport
  createStsTransport: (options: ConnectionOptions) => Transport
  clock: Clock
  random: () => number
  retryPolicy: RetryPolicy
  waitSchedule?: WaitSchedule
}

/** The step: read the inputs, connect, bring the shares to what they ask, and report, whatever happened. */
export async function run(given: Runtime = actionsRuntime()): Promise<void> {
  const mask = accountMask(given.getInput)
  // With mask-account-ids, every line, annotation, failure and summary cell goes through the mask.
  const runtime: Runtime = mask
    ? {
        ...given,
        log: mask.logger(given.log),
        setFailed: (message) => given.setFailed(mask.apply(message)),
        summary: given.summary && mask.summary(given.summary)
      }
    : given
  /** One report per region, the source region's first; filled in as the run goes. */
  const reports = new Map<string, ShareReport>()
  let failure: string | undefined
  let onAccountError: OnAccountError = 'fail'
  let order: string[] = []
  let organizationAccountIds: string[] = []
  let lifecycle: FamilyLifecycle | undefined
  try {
    // Before anything else can log a line: every key and token the step can see is masked.
    maskSecrets(runtime.getInput, runtime.env, runtime.setSecret)
    const inputs = readShareInputs(runtime.getInput, runtime.env, runtime.log.warning)
    // IDs from account-ids-file are masked like the others.
    mask?.learnFrom(inputs.accountIds.join(' '))
    onAccountError = inputs.onAccountError
    order = [inputs.region, ...inputs.copyToRegions]
    const { apiFor, credentials, organization } = connect(runtime, inputs)
    const { clock, random, log, waitSchedule } = runtime
    let deps: Omit<ShareDeps, 'api'> = {
      clock,
      random,
      log,
      waitSchedule,
      policy: runtime.retryPolicy
    }
    // The image first: one read, and a name that finds none stops the step before the organization is read.
    const image = await chooseImage(apiFor(inputs.region), inputs, log)
    let request = { ...inputs, blueprintId: image.blueprintId }
    let sources: Map<string, string> | undefined
    if (organization) {
      const members = await findOrganizationTargets(
        organization.api,
        organization.units,
        await organization.ownerAccount(),
        log
      )
      organizationAccountIds = members.members.map((m) => m.accountId)
      mask?.learnFrom(organizationAccountIds.join(' '))
      request = withMembers(request, members)
      // With revoke-unlisted, an account not among the members loses a share only once proven gone.
      deps = { ...deps, proveUnlisted: members.proveOutside }
      sources = sourcesOf(inputs.accountIds, members.members)
      const show = accountShower(inputs.maskAccountIds)
      await log.group(`Organization members (${members.members.length})`, () =>
        log.info(
          members.members
            .map((m) => `${show(m.accountId)}  ${sources!.get(m.accountId)}`)
            .join('\n') || 'none'
        )
      )
    }
    const reportFor = (region: string, blueprintId: string, origin?: CopyOrigin): ShareReport => {
      const existing = reports.get(region)
      if (existing) return existing
      const report = new ShareReport(
        blueprintId,
        region,
        credentials.identity,
        [...request.accountIds, ...request.revokeAccountIds],
        accountShower(inputs.maskAccountIds)
      )
      report.dryRun = inputs.dryRun
      report.origin = origin
      report.sources = sources
      reports.set(region, report)
      return report
    }
    lifecycle =
      inputs.family && image.found
        ? new FamilyLifecycle(
            inputs.family,
            inputs.region,
            image.images,
            image.found,
            credentials.identity
          )
        : undefined
    const regionDeps = { ...deps, apiFor, lifecycle }
    if (inputs.copyToRegions.length === 0) {
      const report = reportFor(inputs.region, request.blueprintId, 'source')
      // Just read in NORMAL (by name, or with a family): not read again.
      const ready = image.found?.state === 'NORMAL' ? image.found : undefined
      try {
        await shareBlueprint({ ...deps, api: apiFor(inputs.region) }, request, report, {
          image: ready
        })
      } catch (error) {
        // Offboarding still reaches the older versions.
        const family = await keepFamily(regionDeps, request, report, {
          shared: false,
          log,
          failure: error
        })
        if (!family) throw error
        throw new Error(`${describeError(error)} ${family}`, { cause: error })
      }
      failure = await keepFamily(regionDeps, request, report, { shared: true, log })
    } else {
      const results = await shareAcrossRegions(regionDeps, request, inputs.copyToRegions, reportFor)
      failure = regionFailures(results)
    }
  } catch (error) {
    failure = describeFailure(error, runtime.log)
  }
  if (reports.size > 0) {
    // The source region first, then the copies in the order the input gives them.
    const all = [...reports.values()].sort(
      (a, b) => order.indexOf(a.region) - order.indexOf(b.region)
    )
    // IDs read from the API (unlisted shares) are masked in what follows, too.
    mask?.learnFrom(...all.flatMap((report) => report.accounts.map((a) => a.accountId)))
    failure = await applyRefusalPolicy(all, onAccountError, failure, runtime.log)
    const families = all.flatMap((report) => lifecycle?.records.get(report.region) ?? [])
    await publish(all, families, failure, runtime, organizationAccountIds)
  }
  // An annotation stays short: the summary and the log hold the rest.
  if (failure) runtime.setFailed(bounded(failure, FAILURE_LIMIT))
}

/** GitHub truncates long annotations; past this the failure points to the summary and the log. */
const FAILURE_LIMIT = 4000

/** With mask-account-ids, a mask that knows the IDs in the inputs (valid or not) and the owner's in role-arn. */
function accountMask(getInput: (name: string) => string): AccountMask | undefined {
  if (!wantsMasking(getInput)) return undefined
  const mask = new AccountMask()
  mask.learnFrom(getInput('account-ids'), getInput('revoke-account-ids'), getInput('role-arn'))
  return mask
}

/** The step's failure when regions failed: each region and why, one a line. */
function regionFailures(results: readonly RegionResult[]): string | undefined {
  const failed = results.filter((r) => r.failure)
  if (failed.length === 0) return undefined
  return [
    `The image could not be shared in ${failed.length} of ${results.length} region(s):`,
    ...failed.map((r) => `${r.region}: ${r.failure}`)
  ].join('\n')
}

/**
 * The image to share, and with blueprint-name or family the custom images of
 * its region (one read): by name, the newest of exactly that name; by ID,
 * checked against the family before anything changes.
 */
async function chooseImage(
  api: LighthouseApi,
  inputs: ActionInputs,
  log: Logger
): Promise<{ blueprintId: string; found?: Blueprint; images: Blueprint[] }> {
  const { blueprintName, family, region } = inputs
  if (blueprintName === undefined && !family) return { blueprintId: inputs.blueprintId, images: [] }
  const images = await api.listCustomImages()
  if (blueprintName !== undefined) {
    const found = newestNamed(images, blueprintName)
    if (!found) {
      throw new InputError(
        `Input "blueprint-name": no custom image in ${region} is named exactly "${blueprintName}" ` +
          '(images in a failed state do not count). Check the name and "region".'
      )
    }
    const named = images.filter((b) => b.nameAsGiven === blueprintName).length
    log.info(
      `"${found.name}" is ${found.id} (${found.state}), the newest of ${named} custom image(s) of that name in ${region}.`
    )
    return { blueprintId: found.id, found, images }
  }
  const found = images.find((b) => b.id === inputs.blueprintId)
  if (found && family && !inFamily(found.nameAsGiven, family.pattern)) {
    throw new InputError(
      `Input "blueprint-id" is ${found.id}, named "${found.name}", which does not match "family" ` +
        `("${family.pattern}"): the image shared must be a version of the family.`
    )
  }
  return { blueprintId: inputs.blueprintId, found, images }
}

/** Where each wanted account came from, for the summary: "account-ids", its unit, or both. */
function sourcesOf(
  listed: readonly string[],
  members: readonly OrganizationMember[]
): Map<string, string> {
  const sources = new Map(listed.map((id) => [id, 'account-ids']))
  for (const m of members) {
    const unit = `unit ${m.unitId}${m.unitName ? ` (${m.unitName})` : ''}`
    sources.set(m.accountId, sources.has(m.accountId) ? `account-ids, ${unit}` : unit)
  }
  return sources
}

/** The organization's API, what organization-units selects, and the image owner's account. */
interface OrganizationConnection {
  api: OrganizationApi
  units: UnitSelection
  /** The account the image belongs to, which is never a share target. */
  ownerAccount: () => Promise<string>
}

/** The Lighthouse API, through the chosen credentials and the runner's proxy, rate-limited and retried. */
function connect(
  runtime: Runtime,
  inputs: ActionInputs
): {
  apiFor: (region: string) => LighthouseApi
  credentials: CredentialProvider
  organization?: OrganizationConnection
} {
  const { log } = runtime
  const settings = readCredentialSettings(
    runtime.getInput,
    runtime.env,
    inputs.endpoint,
    log.notice,
    log.warning
  )
  const connection = {
    language: inputs.language,
    requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS
  }
  // One limiter for every caller: the API's limit is per account and action, whoever calls.
  const limiter = new RateLimiter(REQUESTS_PER_SECOND, runtime.clock)
  /** A Caller; with the credentials that sign its requests, it renews them when the API says they expired. */
  const callerFor = (
    transport: Transport,
    signer?: CredentialProvider,
    callerLog: Logger = log
  ): Caller =>
    new Caller({
      transport,
      clock: runtime.clock,
      random: runtime.random,
      limiter,
      policy: runtime.retryPolicy,
      log: callerLog,
      renewCredentials: signer?.renew && (() => signer.renew!())
    })
  const credentials = credentialProvider(settings, runtime, (endpoint) =>
    callerFor(
      runtime.createStsTransport({
        ...connection,
        region: inputs.region,
        endpoint,
        proxy: proxyFor(endpoint)
      })
    )
  )
  log.info(
    `${inputs.dryRun ? 'Dry run for' : 'Updating'} the shares of ` +
      `${inputs.blueprintId || `the newest image named "${inputs.blueprintName}"`} in ${inputs.region} ` +
      `through ${inputs.endpoint.protocol}${inputs.endpoint.host} as ${credentials.identity}`
  )
  const proxy = proxyFor(inputs.endpoint)
  if (proxy) {
    log.info(`Through the proxy at ${new URL(proxy).host} (from the proxy environment variables).`)
  }
  // One client per region (each request names its region); all share the limiter and the credentials.
  const apis = new Map<string, LighthouseApi>()
  const apiFor = (region: string): LighthouseApi => {
    let api = apis.get(region)
    if (!api) {
      const transport = runtime.createTransport({
        ...connection,
        region,
        endpoint: inputs.endpoint,
        proxy,
        credentials
      })
      // With copies, regions work side by side: each retry line says which region it is about.
      const regionLog = inputs.copyToRegions.length > 0 ? withPrefix(log, `[${region}] `) : log
      api = createLighthouseApi(callerFor(transport, credentials, regionLog))
      apis.set(region, api)
    }
    return api
  }
  const access = readOrganizationAccess(
    runtime.getInput,
    runtime.env,
    inputs.endpoint,
    settings,
    log.notice
  )
  // Only with organization-units: without it, readOrganizationAccess gives nothing.
  const organization =
    access && inputs.organizationUnits
      ? connectOrganization(access, inputs.organizationUnits, credentials, {
          runtime,
          connection: { ...connection, region: inputs.region },
          callerFor
        })
      : undefined
  return { apiFor, credentials, organization }
}

/**
 * The Organization API, signed with the organization role's credentials
 * (assumed with the step's own) or the step's own; STS for the role and,
 * with API keys, for whose keys they are.
 */
function connectOrganization(
  access: OrganizationAccess,
  units: UnitSelection,
  credentials: CredentialProvider,
  {
    runtime,
    connection,
    callerFor
  }: {
    runtime: Runtime
    connection: Omit<ConnectionOptions, 'endpoint'>
    callerFor: (transport: Transport, signer?: CredentialProvider) => Caller
  }
): OrganizationConnection {
  const signedCaller = (
    service: 'sts' | 'organization',
    endpoint: Endpoint,
    signer: CredentialProvider
  ) =>
    callerFor(
      runtime.createTransport({
        ...connection,
        endpoint,
        proxy: proxyFor(endpoint),
        credentials: signer,
        service
      }),
      signer
    )
  const sts = signedCaller('sts', access.stsEndpoint, credentials)
  const reader = access.role
    ? new AssumedRoleCredentials(access.role, {
        sts,
        clock: runtime.clock,
        setSecret: runtime.setSecret,
        log: runtime.log
      })
    : credentials
  const known = access.ownerAccount
  return {
    api: createOrganizationApi(signedCaller('organization', access.endpoint, reader)),
    units,
    ownerAccount: async () => {
      if (known) return known
      try {
        return await callerAccount(sts)
      } catch (error) {
        throw new OrganizationError(
          "Could not learn the image owner's account, which is left out of the organization's members " +
            `(STS GetCallerIdentity): ${describeError(error)}`,
          { cause: error }
        )
      }
    }
  }
}

/** The failure in one line for the annotation; its causes at debug level. */
function describeFailure(error: unknown, log: Logger): string {
  // What led to it, for step debug logging: the message says what to do, this says why.
  for (let cause = (error as Error | undefined)?.cause; cause; cause = (cause as Error).cause) {
    log.debug(`Caused by: ${describeError(cause)}`)
  }
  return describeError(error)
}

/**
 * What refused accounts do to the step: every one listed in a log group; then
 * warnings naming the first few (on-account-error: warn, and nothing else
 * failed), or a failure that names them. Resolves to the step's failure.
 */
async function applyRefusalPolicy(
  reports: readonly ShareReport[],
  onAccountError: OnAccountError,
  failure: string | undefined,
  log: Logger
): Promise<string | undefined> {
  // With copies, each line says its region.
  const tag = (report: ShareReport) => (reports.length > 1 ? `[${report.region}] ` : '')
  const refusals = reports.flatMap((report) =>
    report.refusals.map((r) => ({ ...r, line: `${tag(report)}${r.line}` }))
  )
  if (refusals.length === 0) return failure
  await log.group('Refused accounts', () => log.info(refusals.map((r) => r.line).join('\n')))
  if (onAccountError === 'warn' && !failure) {
    for (const { change, line } of namedRefusals(refusals)) {
      log.warning(`${CHANGES[change].refusedVerb} account ${line}`)
    }
    for (const line of moreRefusals(refusals.length)) log.warning(`Refused accounts: ${line}`)
    return undefined
  }
  const messages = reports.map((report) => {
    const message = report.refusalMessage()
    return message && `${tag(report)}${message}`
  })
  return [failure, ...messages].filter(Boolean).join('\n')
}

/** The outputs, and the job summary when the runner gives one; a summary that cannot be written only warns. */
async function publish(
  reports: readonly ShareReport[],
  families: readonly RegionLifecycle[],
  failure: string | undefined,
  runtime: Runtime,
  organizationAccountIds: readonly string[]
): Promise<void> {
  setOutputs(reports, families, runtime.setOutput, organizationAccountIds)
  // Accounts the summary has no room for are listed whole in the log.
  const rows = summaryRows(reports.length)
  for (const report of reports.filter((r) => r.accounts.length > rows)) {
    await runtime.log.group(accountsGroupTitle(report), () =>
      runtime.log.info(accountLines(report))
    )
  }
  if (!runtime.summary) return
  try {
    await writeSummary(reports, families, failure, await runtime.runContext(), runtime.summary)
  } catch (error) {
    runtime.log.warning(`Could not write the job summary: ${describeError(error)}`)
  }
}

function credentialProvider(
  settings: CredentialSettings,
  runtime: Runtime,
  stsCaller: (endpoint: Endpoint) => Caller
): CredentialProvider {
  if (settings.kind === 'keys') return staticCredentials(settings.credentials)
  return new WebIdentityCredentials(settings.settings, {
    fetchIdToken: runtime.getIdToken,
    sts: stsCaller(settings.settings.stsEndpoint),
    clock: runtime.clock,
    random: runtime.random,
    policy: runtime.retryPolicy,
    setSecret: runtime.setSecret,
    log: runtime.log
  })
}

/** The runtime of a real run: the Actions toolkit, the SDK transports, the system clock. */
export function actionsRuntime(): Runtime {
  return {
    getInput: (name) => core.getInput(name),
    setSecret: core.setSecret,
    setOutput: core.setOutput,
    setFailed: core.setFailed,
    log: {
      info: (message) => core.info(message),
      debug: (message) => core.debug(message),
      warning: (message) => core.warning(message),
      notice: (message) => core.notice(message),
      group: (title, fn) => core.group(title, async () => await fn())
    },
    getIdToken: (audience) => core.getIDToken(audience),
    env: process.env,
    summary: process.env.GITHUB_STEP_SUMMARY ? core.summary : undefined,
    runContext: async () => {
      // Off the start-up path: @actions/github (and octokit with it) loads only for the summary.
      const { context } = await import(/* webpackMode: "eager" */ '@actions/github')
      return {
        serverUrl: context.serverUrl,
        runId: context.runId,
        sha: context.sha,
        repository: process.env.GITHUB_REPOSITORY
      }
    },
    createTransport: createSignedTransport,
    createStsTransport,
    clock: systemClock,
    random: Math.random,
    retryPolicy: DEFAULT_RETRY_POLICY
  }
}
