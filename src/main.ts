/** The action's control flow: inputs, credentials, the share, the report. */
import * as core from '@actions/core'
import { context } from '@actions/github'
import { describeError } from './api-errors.js'
import { describeIdentity, readStaticCredentials } from './credentials.js'
import { readShareInputs } from './inputs.js'
import { createLighthouseApi, type LighthouseApi, type LighthouseOptions } from './lighthouse.js'
import {
  ShareReport,
  setOutputs,
  writeSummary,
  type RunContext,
  type SummaryWriter
} from './report.js'
import { shareBlueprint } from './share.js'

/** A hung connection must not stall the step: each request gets this long. */
export const REQUEST_TIMEOUT_SECONDS = 20

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
  createApi(options: LighthouseOptions): LighthouseApi
}

export async function run(runtime: Runtime = actionsRuntime()): Promise<void> {
  let report: ShareReport | undefined
  let failure: string | undefined
  try {
    // Credentials first: their values are masked before any other line is logged.
    const credentials = readStaticCredentials(runtime.getInput, runtime.env, runtime.setSecret)
    const inputs = readShareInputs(runtime.getInput, runtime.env, runtime.warning)
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
    const api = runtime.createApi({
      credentials,
      region: inputs.region,
      endpoint: inputs.endpoint,
      language: inputs.language,
      requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      debug: runtime.debug
    })
    await shareBlueprint(api, inputs, report, runtime.info)
  } catch (error) {
    failure = describeError(error)
  }

  if (report) {
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
    createApi: createLighthouseApi
  }
}
