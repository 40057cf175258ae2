/** The action's control flow: inputs, credentials, the share, the report. */
import * as core from '@actions/core'
import { context } from '@actions/github'
import { describeError } from './api-errors.js'
import { describeIdentity, readStaticCredentials } from './credentials.js'
import { readShareInputs } from './inputs.js'
import { createLighthouseApi, createSdkTransport, type TransportOptions } from './lighthouse.js'
import {
  ShareReport,
  setOutputs,
  writeSummary,
  type RunContext,
  type SummaryWriter
} from './report.js'
import {
  Caller,
  DEFAULT_RETRY_POLICY,
  RateLimiter,
  systemClock,
  type Clock,
  type RetryPolicy,
  type Transport
} from './retry.js'
import { shareBlueprint } from './share.js'
import type { WaitSchedule } from './wait.js'

/** Well under a minute, so a hung connection is retried rather than stalling the step. */
export const REQUEST_TIMEOUT_SECONDS = 20
/** The API allows 20 requests a second per action; keep a margin for timing differences. */
export const REQUESTS_PER_SECOND = 18

/** Everything run() touches outside itself, so tests can pass fakes. */
export interface Runtime {
  getInput(name: string): string
  setSecret(secret: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  env: NodeJS.ProcessEnv
  /** undefined when the runner gives no summary file (a local run). */
  summary?: SummaryWriter
  runContext(): RunContext
  createTransport(options: TransportOptions): Transport
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
    // Credentials first: their values are masked before any other line is logged.
    const credentials = readStaticCredentials(runtime.getInput, runtime.env, runtime.setSecret)
    const inputs = readShareInputs(runtime.getInput, runtime.env, runtime.warning)
    accountErrors = inputs.onAccountError
    report = new ShareReport(
      inputs.blueprintId,
      inputs.region,
      describeIdentity(credentials),
      inputs.accountIds
    )
    runtime.info(
      `Sharing ${inputs.blueprintId} in ${inputs.region} with ${inputs.accountIds.length} account(s) ` +
        `through ${inputs.endpoint.protocol}${inputs.endpoint.host}`
    )
    const caller = new Caller({
      transport: runtime.createTransport({
        credentials,
        region: inputs.region,
        endpoint: inputs.endpoint,
        language: inputs.language,
        requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS
      }),
      clock: runtime.clock,
      random: runtime.random,
      limiter: new RateLimiter(REQUESTS_PER_SECOND, runtime.clock),
      policy: runtime.retryPolicy,
      debug: runtime.debug,
      info: runtime.info
    })
    await shareBlueprint(
      {
        api: createLighthouseApi(caller),
        clock: runtime.clock,
        random: runtime.random,
        policy: runtime.retryPolicy,
        info: runtime.info,
        waitSchedule: runtime.waitSchedule
      },
      inputs,
      report
    )
  } catch (error) {
    failure = describeError(error)
  }

  if (report) {
    const refused = report.refusedAccountLines
    if (refused.length > 0 && accountErrors === 'warn' && !failure) {
      for (const line of refused) runtime.warning(`Not shared with account ${line}`)
    } else if (refused.length > 0) {
      const heading = `Could not share ${report.blueprintId} with ${refused.length} of ${report.accounts.length} account(s):`
      failure = [failure, heading, ...refused].filter(Boolean).join('\n')
    }
    setOutputs(report, runtime.setOutput)
    if (runtime.summary) {
      try {
        await writeSummary(report, failure, runtime.runContext(), runtime.summary)
      } catch (error) {
        runtime.warning(`Could not write the job summary: ${describeError(error)}`)
      }
    }
  }
  if (failure) runtime.setFailed(failure)
}

function actionsRuntime(): Runtime {
  return {
    getInput: (name) => core.getInput(name),
    setSecret: core.setSecret,
    setOutput: core.setOutput,
    setFailed: core.setFailed,
    info: core.info,
    warning: (message) => core.warning(message),
    debug: core.debug,
    env: process.env,
    summary: process.env.GITHUB_STEP_SUMMARY ? core.summary : undefined,
    runContext: () => ({
      serverUrl: context.serverUrl,
      runId: context.runId,
      sha: context.sha,
      repository: process.env.GITHUB_REPOSITORY
    }),
    createTransport: createSdkTransport,
    clock: systemClock,
    random: Math.random,
    retryPolicy: DEFAULT_RETRY_POLICY
  }
}
