import type { Logger } from '../../src/common/logger.js'

/** A Logger for tests: the parts given, the rest silent; a group writes its title as an info line. */
export function logger(parts: Partial<Logger> = {}): Logger {
  const info = parts.info ?? (() => undefined)
  return {
    info,
    debug: () => undefined,
    warning: () => undefined,
    notice: () => undefined,
    group: async (title, fn) => {
      info(title)
      await fn()
    },
    ...parts
  }
}
