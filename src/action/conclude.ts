/**
 * The end of every run, whatever happened: the failure as one annotation,
 * refused accounts by on-account-error, the outputs, the log groups the
 * summary has no room for, and the job summary.
 */
import { describeError } from '../cloud/api-errors.js'
import { bounded } from '../common/untrusted.js'
import type { Logger } from '../common/logger.js'
import { CHANGES } from '../sharing/share/change.js'
import { moreRefusals, namedRefusals, type RegionRecord } from '../sharing/share/region-record.js'
import { INPUT, named } from './inputs/names.js'
import type { Journal } from './journal.js'
import { driftLine, driftOf, hasDrift } from './report/drift.js'
import { setOutputs, type RunOutcome } from './report/outputs.js'
import { accountLines, accountsGroupTitle, summaryRows, writeSummary } from './report/summary.js'
import type { Runtime } from './runtime.js'

/** GitHub truncates long annotations; past this the failure points to the summary and the log. */
const FAILURE_LIMIT = 4000

/** `failure`: why a step stopped the run, if one did; else the regions' failures say it. */
export async function conclude(
  journal: Journal,
  failure: string | undefined,
  runtime: Runtime
): Promise<void> {
  const records = journal.regions
  let failed = failure ?? regionFailures(journal)
  if (records.length > 0) {
    const outcome = {
      records,
      families: journal.families,
      organizationAccountIds: journal.organizationAccountIds,
      conversion: journal.conversion
    }
    failed = await applyRefusalPolicy(records, journal.onAccountError, failed, runtime.log)
    failed ??= journal.failOnDrift ? driftFailure(outcome) : undefined
    await publish(outcome, failed, runtime)
  } else if (failed) {
    failed = withConversion(failed, journal.conversion, runtime)
  }
  // An annotation stays short: the summary and the log hold the rest.
  if (failed) runtime.setFailed(bounded(failed, FAILURE_LIMIT))
}

/**
 * An error that escaped the run's own handling (the runner's output file
 * cannot be written, say): the step ends with one line that names it, its
 * stack at debug level, never the bundle's source as Node would print it.
 */
export function escaped(error: unknown, runtime: Pick<Runtime, 'log' | 'setFailed'>): void {
  if (error instanceof Error && error.stack) runtime.log.debug(error.stack)
  runtime.setFailed(`The step failed unexpectedly: ${bounded(describeError(error), FAILURE_LIMIT)}`)
}

/** The failure in one line for the annotation; its causes at debug level. */
export function describeFailure(error: unknown, log: Logger): string {
  // What led to it, for step debug logging: the message says what to do, this says why.
  for (let cause = (error as Error | undefined)?.cause; cause; cause = (cause as Error).cause) {
    log.debug(`Caused by: ${describeError(cause)}`)
  }
  return describeError(error)
}

/** With fail-on-drift: the step fails when the dry run's plan would change anything, saying what in one line. */
function driftFailure(outcome: RunOutcome): string | undefined {
  const drift = driftOf(outcome)
  if (!hasDrift(drift)) return undefined
  return `Drift: ${driftLine(drift)} (${named(INPUT.failOnDrift)} is true; the job summary shows the whole plan).`
}

/**
 * The step stopped before any region was reached, but after a blueprint was
 * made from (or found for) the CVM image: the failure and the outputs say so.
 */
function withConversion(
  failure: string,
  conversion: Journal['conversion'],
  runtime: Pick<Runtime, 'setOutput'>
): string {
  const { blueprintId, imageId, how } = conversion ?? {}
  if (!blueprintId) return failure
  runtime.setOutput('blueprint-id', blueprintId)
  runtime.setOutput('changed', String(how === 'made'))
  const what = how === 'made' ? 'was made from' : 'is the blueprint of'
  return `${failure} (${blueprintId} ${what} CVM image ${imageId} before the step stopped; a re-run uses it.)`
}

/** The step's failure when regions failed: one region's as it is; with several, each region and why. */
function regionFailures(journal: Journal): string | undefined {
  const results = journal.results
  const failed = results.filter((r) => r.failure)
  if (failed.length === 0) return undefined
  if (results.length === 1) return failed[0].failure
  return [
    `The image could not be shared in ${failed.length} of ${results.length} region(s):`,
    ...failed.map((r) => `${r.region}: ${r.failure}`)
  ].join('\n')
}

/**
 * What refused accounts do to the step: every one listed in a log group; then
 * warnings naming the first few (on-account-error: warn, and nothing else
 * failed), or a failure that names them. Resolves to the step's failure.
 */
async function applyRefusalPolicy(
  records: readonly RegionRecord[],
  onAccountError: 'fail' | 'warn',
  failure: string | undefined,
  log: Logger
): Promise<string | undefined> {
  // With copies, each line says its region.
  const tag = (record: RegionRecord) => (records.length > 1 ? `[${record.region}] ` : '')
  const refusals = records.flatMap((record) =>
    record.refusals.map((r) => ({ ...r, line: `${tag(record)}${r.line}` }))
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
  const messages = records.map((record) => {
    const message = record.refusalMessage()
    return message && `${tag(record)}${message}`
  })
  return [failure, ...messages].filter(Boolean).join('\n')
}

/** The outputs, and the job summary when the runner gives one; a summary that cannot be written only warns. */
async function publish(
  outcome: RunOutcome,
  failure: string | undefined,
  runtime: Runtime
): Promise<void> {
  setOutputs(outcome, runtime.setOutput)
  // Accounts the summary has no room for are listed whole in the log.
  const rows = summaryRows(outcome.records.length)
  for (const record of outcome.records.filter((r) => r.accounts.length > rows)) {
    await runtime.log.group(accountsGroupTitle(record), () =>
      runtime.log.info(accountLines(record))
    )
  }
  if (!runtime.summary) return
  try {
    await writeSummary(outcome, failure, await runtime.runContext(), runtime.summary)
  } catch (error) {
    runtime.log.warning(`Could not write the job summary: ${describeError(error)}`)
  }
}
