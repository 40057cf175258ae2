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
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r' }

/**
 * One line of plain text that cannot start or end a workflow command: control
 * characters escaped, a leading `::` broken, and the older `##[` command form
 * broken wherever it stands. Idempotent, so text may pass through it twice.
 */
export function neutralize(text: string): string {
  return text
    .replace(CONTROL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '##\\[')
    .replace(/^(\s*):(?=:)/, '$1:\\')
}

/**
 * Text for the job summary's HTML. Markdown ends an HTML block at a blank
 * line, so line breaks are written as <br> and no text from outside can end
 * the block (or the cell) and be read as Markdown.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '<br>')
}
