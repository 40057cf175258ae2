/**
 * mask-account-ids: every account ID the step knows of (the inputs, the image
 * owner's from role-arn, the ones read from the API) shown shortened in any
 * text the step prints: log lines, annotations, the failure, the summary.
 * Applied where text leaves the step, so no message can forget it; the
 * outputs keep the IDs whole.
 */
import { accountShower } from '../../common/ids.js'
import type { Logger } from '../../common/logger.js'
import { INPUT } from '../inputs/names.js'
import { wantsMasking } from '../inputs/masking.js'
import type { Runtime } from '../runtime.js'
import type { SummaryWriter } from './cells.js'

/** Tells the mask of account IDs read from the API, as they are read. */
export type Learn = (accountIds: readonly string[]) => void

/**
 * With mask-account-ids: the runtime whose log, failure and summary go
 * through the mask, which knows the IDs in the inputs (valid or not) and the
 * owner's in role-arn from the start; `learn` tells it of others. Without it,
 * the runtime as it is.
 */
export function maskedRuntime(given: Runtime): { runtime: Runtime; learn: Learn } {
  if (!wantsMasking(given.getInput)) return { runtime: given, learn: () => undefined }
  const mask = new AccountMask()
  mask.learnFrom(...[INPUT.accountIds, INPUT.revokeAccountIds, INPUT.roleArn].map(given.getInput))
  return {
    runtime: {
      ...given,
      log: mask.logger(given.log),
      setFailed: (message) => given.setFailed(mask.apply(message)),
      summary: given.summary && mask.summary(given.summary)
    },
    learn: (accountIds) => mask.learnFrom(accountIds.join(' '))
  }
}

/** Digit runs that could be an account ID; only known ones are masked, so durations and counts stay. */
const DIGIT_RUN = /\d{5,20}/g

export class AccountMask {
  private readonly known = new Set<string>()
  private readonly show = accountShower(true)

  /** Every digit run of these texts is an ID to mask from now on (inputs may hold IDs that are not yet valid). */
  learnFrom(...texts: string[]): void {
    for (const text of texts) for (const [run] of text.matchAll(DIGIT_RUN)) this.known.add(run)
  }

  apply = (text: string): string =>
    this.known.size === 0
      ? text
      : text.replace(DIGIT_RUN, (run) => (this.known.has(run) ? this.show(run) : run))

  logger(log: Logger): Logger {
    const m = this.apply
    return {
      info: (message) => log.info(m(message)),
      debug: (message) => log.debug(m(message)),
      warning: (message) => log.warning(m(message)),
      notice: (message) => log.notice(m(message)),
      group: (title, fn) => log.group(m(title), fn)
    }
  }

  summary(writer: SummaryWriter): SummaryWriter {
    const m = this.apply
    const masked: SummaryWriter = {
      addHeading: (text, level) => (writer.addHeading(m(text), level), masked),
      addTable: (rows) => (
        writer.addTable(
          rows.map((row) =>
            row.map((cell) =>
              typeof cell === 'string' ? m(cell) : { ...cell, data: m(cell.data) }
            )
          )
        ),
        masked
      ),
      addRaw: (text, addEOL) => (writer.addRaw(m(text), addEOL), masked),
      write: () => writer.write()
    }
    return masked
  }
}
