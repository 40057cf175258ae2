/** The action's control flow: inputs, credentials, the share, the report. */
import * as core from '@actions/core'
import { describeError } from './api-errors.js'
import { CHANGES } from './change.js'
import type { Logger } from './logger.js'
import {
  maskSecrets,
  readCredentialSettings,
  staticCredentials,
  type CredentialProvider,
  type CredentialSettings
} from './credentials.js'
import { readShareInputs, type ActionInputs, type Endpoint, type OnAccountError } from './inputs.js'
import { createLighthouseApi, type LighthouseApi } from './lighthouse.js'
import {
  ShareReport,
  accountShower,
  moreRefusals,
  namedRefusals,
  setOutputs,
  writeSummary,
  type RunContext,
  type SummaryWriter
} from './report.js'
import { systemClock, type Clock } from './clock.js'
import { Caller, DEFAULT_RETRY_POLICY, RateLimiter, type RetryPolicy } from './retry.js'
import { proxyFor } from './proxy.js'
import {
  createSdkTransport,
  createStsTransport,
  type ConnectionOptions,
  type Transport,
  type TransportOptions
} from './sdk-transport.js'
import { shareBlueprint } from './share.js'
import type { WaitSchedule } from './wait.js'
import { WebIdentityCredentials } from './web-identity.js'

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
export async function run(runtime: Runtime = actionsRuntime()): Promise<void> {
  let report: ShareReport | undefined
  let failure: string | undefined
  let onAccountError: OnAccountError = 'fail'
  try {
    // Before anything else can log a line: every key and token the step can see is masked.
    maskSecrets(runtime.getInput, runtime.env, runtime.setSecret)
    const inputs = readShareInputs(runtime.getInput, runtime.env, runtime.log.warning)
    onAccountError = inputs.onAccountError
    const { api, credentials } = connect(runtime, inputs)
    report = new ShareReport(
      inputs.blueprintId,
      inputs.region,
      credentials.identity,
      [...inputs.accountIds, ...inputs.revokeAccountIds],
      accountShower(inputs.maskAccountIds)
    )
    report.dryRun = inputs.dryRun
    const { clock, random, log, waitSchedule } = runtime
    const deps = { api, clock, random, log, waitSchedule, policy: runtime.retryPolicy }
    await shareBlueprint(deps, inputs, report)
  } catch (error) {
    failure = describeFailure(error, runtime.log)
  }
  if (report) {
    failure = await applyRefusalPolicy(report, onAccountError, failure, runtime.log)
    await publish(report, failure, runtime)
  }
  if (failure) runtime.setFailed(failure)
}

/** The Lighthouse API, through the chosen credentials and the runner's proxy, rate-limited and retried. */
function connect(
  runtime: Runtime,
  inputs: ActionInputs
): { api: LighthouseApi; credentials: CredentialProvider } {
  const { log } = runtime
  const settings = readCredentialSettings(
    runtime.getInput,
    runtime.env,
    inputs.endpoint,
    log.notice
  )
  const connection = {
    region: inputs.region,
    language: inputs.language,
    requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS
  }
  // One limiter for every caller: the API's limit is per account and action, whoever calls.
  const limiter = new RateLimiter(REQUESTS_PER_SECOND, runtime.clock)
  const callerFor = (transport: Transport, renewCredentials?: () => Promise<void>): Caller =>
    new Caller({
      transport,
      clock: runtime.clock,
      random: runtime.random,
      limiter,
      policy: runtime.retryPolicy,
      log,
      renewCredentials
    })
  const credentials = credentialProvider(settings, runtime, (endpoint) =>
    callerFor(runtime.createStsTransport({ ...connection, endpoint, proxy: proxyFor(endpoint) }))
  )
  log.info(
    `${inputs.dryRun ? 'Dry run for' : 'Updating'} the shares of ${inputs.blueprintId} in ${inputs.region} ` +
      `through ${inputs.endpoint.protocol}${inputs.endpoint.host} as ${credentials.identity}`
  )
  const proxy = proxyFor(inputs.endpoint)
  if (proxy) {
    log.info(`Through the proxy at ${new URL(proxy).host} (from the proxy environment variables).`)
  }
  const caller = callerFor(
    runtime.createTransport({ ...connection, endpoint: inputs.endpoint, proxy, credentials }),
    credentials.renew && (() => credentials.renew!())
  )
  return { api: createLighthouseApi(caller), credentials }
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
  report: ShareReport,
  onAccountError: OnAccountError,
  failure: string | undefined,
  log: Logger
): Promise<string | undefined> {
  const refusals = report.refusals
  if (refusals.length === 0) return failure
  await log.group('Refused accounts', () => log.info(refusals.map((r) => r.line).join('\n')))
  if (onAccountError === 'warn' && !failure) {
    for (const { change, line } of namedRefusals(refusals)) {
      log.warning(`${CHANGES[change].refusedVerb} account ${line}`)
    }
    for (const line of moreRefusals(refusals.length)) log.warning(`Refused accounts: ${line}`)
    return undefined
  }
  return [failure, report.refusalMessage()].filter(Boolean).join('\n')
}

/** The outputs, and the job summary when the runner gives one; a summary that cannot be written only warns. */
async function publish(
  report: ShareReport,
  failure: string | undefined,
  runtime: Runtime
): Promise<void> {
  setOutputs(report, runtime.setOutput)
  if (!runtime.summary) return
  try {
    await writeSummary(report, failure, await runtime.runContext(), runtime.summary)
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
    createTransport: createSdkTransport,
    createStsTransport,
    clock: systemClock,
    random: Math.random,
    retryPolicy: DEFAULT_RETRY_POLICY
  }
}
