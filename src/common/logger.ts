/** Where the action writes for a person to read: the toolkit's log, or a recording in tests. */
export interface Logger {
  info: (message: string) => void
  /** Shown only with step debug logging on. */
  debug: (message: string) => void
  /** An annotation. */
  warning: (message: string) => void
  notice: (message: string) => void
  /** fn's lines folded under a title in the log (core.group). */
  group: (title: string, fn: () => void | Promise<void>) => Promise<void>
}

/**
 * Every line marked with a prefix, e.g. the region it is about, each line of
 * a message of several (a plan table) included; a group becomes a plain line,
 * since marked lines of several regions interleave.
 */
export function withPrefix(log: Logger, prefix: string): Logger {
  const mark = (message: string) =>
    message
      .split('\n')
      .map((line) => `${prefix}${line}`)
      .join('\n')
  return {
    info: (message) => log.info(mark(message)),
    debug: (message) => log.debug(mark(message)),
    warning: (message) => log.warning(mark(message)),
    notice: (message) => log.notice(mark(message)),
    group: async (title, fn) => {
      log.info(mark(title))
      await fn()
    }
  }
}

type Entry = { kind: 'info' | 'debug' | 'warning' | 'notice'; message: string }

/**
 * A logger that keeps its lines until flushed as one group: regions worked
 * on side by side each print their group when done, so groups never
 * interleave. A group inside becomes a plain line (the runner has no nested
 * groups).
 */
export class BufferedLog implements Logger {
  private readonly entries: Entry[] = []
  info = (message: string) => void this.entries.push({ kind: 'info', message })
  debug = (message: string) => void this.entries.push({ kind: 'debug', message })
  warning = (message: string) => void this.entries.push({ kind: 'warning', message })
  notice = (message: string) => void this.entries.push({ kind: 'notice', message })
  group = async (title: string, fn: () => void | Promise<void>): Promise<void> => {
    this.info(title)
    await fn()
  }

  /** Prints every line kept, in order, in a group of `into` titled `title`. */
  async flush(into: Logger, title: string): Promise<void> {
    const entries = this.entries.splice(0)
    await into.group(title, () => {
      for (const { kind, message } of entries) into[kind](message)
    })
  }
}
