/** Everything run() touches outside itself, behind one object: the toolkit in a real run, fakes in tests. */
import * as core from '@actions/core'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../cloud/retry.js'
import {
  createSignedTransport,
  createStsTransport,
  type ConnectionOptions,
  type Transport,
  type TransportOptions
} from '../cloud/api-transport.js'
import { systemClock, type Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import type { WaitSchedule } from '../sharing/wait.js'
import type { InputName } from './inputs/names.js'
import type { RunContext, SummaryWriter } from './report/summary.js'

export interface Runtime {
  getInput: (name: InputName) => string
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

/** The runtime of a real run: the Actions toolkit, the SDK's signer on Node's http, the system clock. */
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
