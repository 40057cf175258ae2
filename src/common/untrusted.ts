/**
 * Text that did not come from this code (API codes and messages, image names
 * and states, response bodies, input values echoed back) made safe to print.
 */

/**
 * Line breaks and other control characters, shown as escapes. The runner
 * splits the log on CR and LF, and a line that starts with `::` is a workflow
 * command (`::stop-commands::` would turn off the masking of later secrets).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g

/**
 * Unicode format characters: bidi controls (a line that reads backwards),
 * zero-width characters (200000000001 followed by one looks like a valid ID)
 * and the BOM. Shown as escapes, in the log and in the summary.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g
const escapeInvisible = (text: string): string =>
  text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r' }

/**
 * One line of plain text that cannot start or end a workflow command: control
 * characters escaped, a leading `::` broken, and the older `##[` command form
 * broken wherever it stands. Idempotent, so text may pass through it twice.
 */
export function neutralize(text: string): string {
  return escapeInvisible(text)
    .replace(CONTROL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '##\\[')
    .replace(/^(\s*):(?=:)/, '$1:\\')
}

/** How long a piece of text from outside may be where it is printed: an API message, a body, a name. */
export const OUTSIDE_TEXT_LIMIT = {
  /** A code or a RequestId. */
  token: 100,
  /** An image name or state. */
  name: 200,
  /** An API message or the start of a body. */
  message: 500
} as const

/** Text from outside cut to a bound, saying how much was left out, so one answer cannot flood the log. */
export function bounded(text: string, limit: number): string {
  return text.length <= limit
    ? text
    : `${text.slice(0, limit)}… (${text.length - limit} more characters)`
}

/**
 * Text for the job summary's HTML. Markdown ends an HTML block at a blank
 * line, so line breaks are written as <br> and no text from outside can end
 * the block (or the cell) and be read as Markdown.
 */
export function escapeHtml(text: string): string {
  return escapeInvisible(text)
    .replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '<br>')
}
