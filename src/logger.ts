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
