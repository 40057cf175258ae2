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

/** Every line marked with a prefix, e.g. the region it is about; a group becomes a plain line, since marked lines of several regions interleave. */
export function withPrefix(log: Logger, prefix: string): Logger {
  const mark = (message: string) => `${prefix}${message}`
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
