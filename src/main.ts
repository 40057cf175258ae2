/** The action's control flow: inputs, credentials, the share, the report. */
import * as core from '@actions/core'
import { context } from '@actions/github'
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
import { readShareInputs, type Endpoint } from './inputs.js'
import { createLighthouseApi } from './lighthouse.js'
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
  getInput(name: string): string
  setSecret(secret: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  log: Logger
  /** core.getIDToken: the job's GitHub OIDC token for an audience. */
  getIdToken(audience: string): Promise<string>
  env: NodeJS.ProcessEnv
  /** undefined when the runner gives no summary file (a local run). */
  summary?: SummaryWriter
  runContext(): RunContext
  createTransport(options: TransportOptions): Transport
  createStsTransport(options: ConnectionOptions): Transport
  clock: Clock
  random: () => number
  retryPolicy: RetryPolicy
  waitSchedule?: WaitSchedule
}

export async function run(runtime: Runtime = actionsRuntime()): Promise<void> {
  let report: ShareReport | undefined
  let failure: string | undefined
  let accountErrors: 'fail' | 'warn' = 'fail'
  try {
    // Before anything else can log a line: every key and token the step can see is masked.
    maskSecrets(runtime.getInput, runtime.env, runtime.setSecret)
    const inputs = readShareInputs(runtime.getInput, runtime.env, runtime.log.warning)
    const credentialSettings = readCredentialSettings(
      runtime.getInput,
      runtime.env,
      inputs.endpoint,
      runtime.log.notice
    )
    accountErrors = inputs.onAccountError
    const connection = {
      region: inputs.region,
      language: inputs.language,
      requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS
    }
    const limiter = new RateLimiter(REQUESTS_PER_SECOND, runtime.clock)
    const callerFor = (transport: Transport, renewCredentials?: () => Promise<void>): Caller =>
      new Caller({
        transport,
        clock: runtime.clock,
        random: runtime.random,
        limiter,
        policy: runtime.retryPolicy,
        log: runtime.log,
        renewCredentials
      })
    const credentials = credentialProvider(credentialSettings, runtime, (endpoint) =>
      callerFor(runtime.createStsTransport({ ...connection, endpoint, proxy: proxyFor(endpoint) }))
    )
    report = new ShareReport(
      inputs.blueprintId,
      inputs.region,
      credentials.identity,
      [...inputs.accountIds, ...inputs.revokeAccountIds],
      accountShower(inputs.maskAccountIds)
    )
    report.dryRun = inputs.dryRun
    runtime.log.info(
      `${inputs.dryRun ? 'Dry run for' : 'Updating'} the shares of ${inputs.blueprintId} in ${inputs.region} ` +
        `through ${inputs.endpoint.protocol}${inputs.endpoint.host} as ${credentials.identity}`
    )
    const proxy = proxyFor(inputs.endpoint)
    if (proxy)
      runtime.log.info(
        `Through the proxy at ${new URL(proxy).host} (from the proxy environment variables).`
      )
    const caller = callerFor(
      runtime.createTransport({ ...connection, endpoint: inputs.endpoint, proxy, credentials }),
      credentials.renew && (() => credentials.renew!())
    )
    await shareBlueprint(
      {
        api: createLighthouseApi(caller),
        clock: runtime.clock,
        random: runtime.random,
        policy: runtime.retryPolicy,
        log: runtime.log,
        waitSchedule: runtime.waitSchedule
      },
      inputs,
      report
    )
  } catch (error) {
    failure = describeError(error)
    // What led to it, for step debug logging: the message above says what to do, this says why.
    for (let cause = (error as Error | undefined)?.cause; cause; cause = (cause as Error).cause) {
      runtime.log.debug(`Caused by: ${describeError(cause)}`)
    }
  }

  if (report) {
    const refusals = report.refusals
    if (refusals.length > 0) {
      // Every refused account in the log, folded; the annotations name the first few.
      const lines = refusals.map(({ line }) => line).join('\n')
      await runtime.log.group('Refused accounts', async () => runtime.log.info(lines))
    }
    if (refusals.length > 0 && accountErrors === 'warn' && !failure) {
      for (const { change, line } of namedRefusals(refusals)) {
        runtime.log.warning(`${CHANGES[change].refusedVerb} account ${line}`)
      }
      for (const line of moreRefusals(refusals.length))
        runtime.log.warning(`Refused accounts: ${line}`)
    } else if (refusals.length > 0) {
      failure = [failure, report.refusalMessage()].filter(Boolean).join('\n')
    }
    setOutputs(report, runtime.setOutput)
    if (runtime.summary) {
      try {
        await writeSummary(report, failure, runtime.runContext(), runtime.summary)
      } catch (error) {
        runtime.log.warning(`Could not write the job summary: ${describeError(error)}`)
      }
    }
  }
  if (failure) runtime.setFailed(failure)
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

function actionsRuntime(): Runtime {
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
      group: (title, fn) => core.group(title, fn)
    },
    getIdToken: (audience) => core.getIDToken(audience),
    env: process.env,
    summary: process.env.GITHUB_STEP_SUMMARY ? core.summary : undefined,
    runContext: () => ({
      serverUrl: context.serverUrl,
      runId: context.runId,
      sha: context.sha,
      repository: process.env.GITHUB_REPOSITORY
    }),
    createTransport: createSdkTransport,
    createStsTransport,
    clock: systemClock,
    random: Math.random,
    retryPolicy: DEFAULT_RETRY_POLICY
  }
}
